// English → Dutch for the diff between two versions.
export default {
};
