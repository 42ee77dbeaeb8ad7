// The form editor: being written.
