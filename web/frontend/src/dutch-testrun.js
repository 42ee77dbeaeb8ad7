// English → Dutch for the test run of a draft.
export default {
};
