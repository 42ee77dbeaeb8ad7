// The test run of a draft: being written.
