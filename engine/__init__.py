"""The BPMN runtime of govflow, built on SpiffWorkflow.

Every change of state is a command (``deploy``, ``start_instance``,
``complete_task``, ...) that runs in one database transaction. The web
pages, the API, the CLI and the scheduler call these commands and nothing
underneath them.
"""
