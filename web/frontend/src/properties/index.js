import GovflowPropertiesProvider from './provider.js';

export default {
  __init__: ['govflowPropertiesProvider'],
  govflowPropertiesProvider: ['type', GovflowPropertiesProvider],
};
