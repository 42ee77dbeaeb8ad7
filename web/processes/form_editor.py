"""The form editor: the JSON Schema forms of a draft, edited as a list of fields, with a live
preview by the inbox's renderer."""
