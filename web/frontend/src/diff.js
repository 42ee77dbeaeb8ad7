// The diff between two versions: being written.
