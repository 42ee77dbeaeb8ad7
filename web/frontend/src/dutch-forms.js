// English → Dutch for the form editor.
export default {
};
