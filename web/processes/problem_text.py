"""The engine's deploy problems in the words of the process owner, in the language of the request.

The engine checks diagrams without Flask and says what is wrong in one English line (see
``engine.diagrams``, ``engine.timer_expressions``, ``engine.restricted``, ``engine.sandbox`` and
SpiffWorkflow's parser). The process editor shows each problem beside its element, in Dutch by
default. This module reads the English text back: each rule is a regular expression over the
engine's words and an English template (the msgid, translated in ``messages.po``) that takes the
parts it matched. A part that is itself an engine message (the timer error after ``due date:``,
the code problem after ``script is not allowed:``) is translated the same way. Text that no rule
knows stays the engine's, inside one translated sentence that says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext, pgettext


def N_(text: str) -> str:
    """Babel's marker of a msgid that is translated later, when a rule applies."""
    return text


@dataclass(frozen=True)
class Rule:
    """English text matched by ``pattern`` says ``template``; ``nested`` groups are messages
    themselves. A ``strict`` rule applies only when every nested part is understood."""

    pattern: re.Pattern[str]
    template: str
    nested: tuple[str, ...] = ()
    strict: bool = False


def _rule(pattern: str, template: str, *nested: str, strict: bool = False) -> Rule:
    return Rule(re.compile(pattern, re.DOTALL), template, nested, strict)


# The things a problem is about, as diagrams.py names them before "is not allowed" or ":".
_LABELS: dict[str, Callable[[], str]] = {
    "script": lambda: pgettext("problem part", "script"),
    "condition": lambda: pgettext("problem part", "condition"),
    "loop cardinality": lambda: pgettext("problem part", "loop cardinality"),
    "completion condition": lambda: pgettext("problem part", "completion condition"),
    "pre-script": lambda: pgettext("problem part", "pre-script"),
    "post-script": lambda: pgettext("problem part", "post-script"),
    "assignee expression": lambda: pgettext("problem part", "assignee expression"),
    "instance title": lambda: pgettext("problem part", "instance title"),
    "due date": lambda: pgettext("problem part", "due date"),
    "timeDate": lambda: pgettext("problem part", "timeDate"),
    "timeDuration": lambda: pgettext("problem part", "timeDuration"),
    "timeCycle": lambda: pgettext("problem part", "timeCycle"),
}
_PARAMETER = re.compile(r"parameter (?P<param>\S+) of (?P<operator>\S+)")
_TIMER = r"(?P<label>timeDate|timeDuration|timeCycle|due date)"
_CODE = (r"(?P<label>script|condition|loop cardinality|completion condition|pre-script"
         r"|post-script|assignee expression|instance title|parameter \S+ of \S+)")
_VALUE = r'"(?P<value>.*)"'
_EXAMPLES = r"\(e\.g\. P14D, 2027-03-01T10:00, R4/2027-01-15T09:00/P3M\)"
_XSD = r"Element '(?P<element>[^']+)'"
_NAMESPACES = {
    "{http://www.omg.org/spec/BPMN/20100524/MODEL}": "bpmn:",
    "{http://www.omg.org/spec/BPMN/20100524/DI}": "bpmndi:",
    "{http://www.omg.org/spec/DD/20100524/DC}": "dc:",
    "{http://www.omg.org/spec/DD/20100524/DI}": "di:",
    "{http://spiffworkflow.org/bpmn/schema/1.0/core}": "spiffworkflow:",
}

# Files and diagrams as a whole (engine/diagrams.py, engine/forms.py, engine/nesting.py).
_FILES = (
    _rule(r"line (?P<line>\d+): (?P<rest>.+)", N_("line %(line)s: %(rest)s"), "rest",
          strict=True),
    _rule(r"Line (?P<line>\d+): (?P<rest>.+)", N_("Line %(line)s: %(rest)s"), "rest",
          strict=True),  # RestrictedPython's
    _rule(r"no such file or folder", N_("no such file or folder")),
    _rule(r"unknown file type: expected \.bpmn, \.dmn or \.json \(a form\)",
          N_("unknown file type: expected .bpmn, .dmn or .json (a form)")),
    _rule(r"file is larger than (?P<size>\d+) MB", N_("file is larger than %(size)s MB")),
    _rule(r"file is not UTF-8 text", N_("file is not UTF-8 text")),
    _rule(r"DOCTYPE and entity declarations are not allowed",
          N_("DOCTYPE and entity declarations are not allowed")),
    _rule(r"malformed XML: (?P<detail>.+)", N_("malformed XML: %(detail)s")),
    _rule(r"not a DMN file \(no dmn:definitions root\)",
          N_("not a DMN file (no dmn:definitions root)")),
    _rule(r"not a BPMN 2\.0 file \(no bpmn:definitions root\)",
          N_("not a BPMN 2.0 file (no bpmn:definitions root)")),
    _rule(r"form is nested too deep \(more than (?P<levels>\d+) levels\)",
          N_("form is nested too deep (more than %(levels)s levels)")),
    _rule(r"invalid JSON: (?P<detail>.+)", N_("invalid JSON: %(detail)s")),
    _rule(r"a form must be a JSON Schema object", N_("a form must be a JSON Schema object")),
    _rule(r"not a valid JSON Schema at (?P<where>\S+): (?P<detail>.+)",
          N_("not a valid JSON Schema at %(where)s: %(detail)s")),
    _rule(r'formatMinimum "(?P<limit>.*)" is neither an ISO date nor "today"',
          N_('formatMinimum "%(limit)s" is neither an ISO date nor "today"')),
    _rule(r"no executable process in this file \(set isExecutable=\"true\" on the process\)",
          N_('no executable process in this file (set isExecutable="true" on the process)')),
)

# Elements (engine/diagrams.py).
_ELEMENTS = (
    _rule(r"bpmn:(?P<tag>\S+) is not supported by the engine",
          N_("bpmn:%(tag)s is not supported by the engine")),
    _rule(r"(?P<problem>.+): deploy the called process first or together with this one",
          N_("%(problem)s: deploy the called process first or together with this one"),
          "problem"),
    _rule(r"the called process (?P<process>\S+) is not executable: a called process is deployed "
          r"as a process of its own \(set isExecutable=\"true\"\)",
          N_("the called process %(process)s is not executable: a called process is deployed as "
             'a process of its own (set isExecutable="true")')),
    _rule(r"(?P<label>timeDate|timeDuration|timeCycle) of a start event cannot be computed at "
          r"deployment: (?P<error>.+)",
          N_("%(label)s of a start event cannot be computed at deployment: %(error)s"), "error"),
    _rule(_TIMER + r" is empty: write e\.g\. (?P<example>\S+)",
          N_("%(label)s is empty: write e.g. %(example)s")),
    _rule(_TIMER + r' "(?P<text>.*)" is neither an ISO 8601 value ' + _EXAMPLES
          + r" nor an allowed expression: (?P<problem>.+)",
          N_('%(label)s "%(text)s" is neither an ISO 8601 value (e.g. P14D, 2027-03-01T10:00, '
             "R4/2027-01-15T09:00/P3M) nor an allowed expression: %(problem)s"), "problem"),
    _rule(_TIMER + r": (?P<error>.+)", N_("%(label)s: %(error)s"), "error"),
    _rule(r"user task is not in a lane: put it in the lane of the role that must do it",
          N_("user task is not in a lane: put it in the lane of the role that must do it")),
    _rule(r'lane "(?P<lane>.*)" is not a known role; known roles: none yet \(run govflow seed\)',
          N_('lane "%(lane)s" is not a known role; known roles: none yet (run govflow seed)')),
    _rule(r'lane "(?P<lane>.*)" is not a known role; known roles: (?P<roles>.*)',
          N_('lane "%(lane)s" is not a known role; known roles: %(roles)s')),
    _rule(r'form "(?P<form>.*)" is not in this deployment \(put it in the forms/ folder\)',
          N_('form "%(form)s" is not in this deployment (put it in the forms/ folder)')),
    _rule(_CODE + r" is not allowed: (?P<problem>.+)", N_("%(label)s is not allowed: %(problem)s"),
          "problem"),
    _rule(r"service task calls the unknown operator (?P<operator>'[^']*'|\"[^\"]*\"); known: none",
          N_("service task calls the unknown operator %(operator)s; known: none")),
    _rule(r"service task calls the unknown operator (?P<operator>'[^']*'|\"[^\"]*\"); "
          r"known: (?P<known>.*)",
          N_("service task calls the unknown operator %(operator)s; known: %(known)s")),
)

# Timer values (engine/timer_expressions.py).
_TIMERS = (
    _rule(_VALUE + r" is not an ISO 8601 date or time \(e\.g\. 2027-03-01T10:00\)",
          N_('"%(value)s" is not an ISO 8601 date or time (e.g. 2027-03-01T10:00)')),
    _rule(_VALUE + r" is not an ISO 8601 duration \(e\.g\. P14D or PT2H\)",
          N_('"%(value)s" is not an ISO 8601 duration (e.g. P14D or PT2H)')),
    _rule(_VALUE + r": years and months must be whole numbers",
          N_('"%(value)s": years and months must be whole numbers')),
    _rule(_VALUE + r": days must be whole numbers; write hours after T, e\.g\. P1DT12H",
          N_('"%(value)s": days must be whole numbers; write hours after T, e.g. P1DT12H')),
    _rule(_VALUE + r" is not a positive duration", N_('"%(value)s" is not a positive duration')),
    _rule(_VALUE + r" is not a cycle: write R\[n\]/start/duration or R\[n\]/duration, "
          r"e\.g\. R4/2027-01-15T09:00/P3M",
          N_('"%(value)s" is not a cycle: write R[n]/start/duration or R[n]/duration, '
             "e.g. R4/2027-01-15T09:00/P3M")),
    _rule(_VALUE + r': the number of repetitions "(?P<count>.*)" is not a number',
          N_('"%(value)s": the number of repetitions "%(count)s" is not a number')),
    _rule(_VALUE + r" repeats zero times, so it never fires",
          N_('"%(value)s" repeats zero times, so it never fires')),
    _rule(_VALUE + r": a cycle that ends on a date is not supported; write R\[n\]/start/duration",
          N_('"%(value)s": a cycle that ends on a date is not supported; write '
             "R[n]/start/duration")),
    _rule(r"(?P<value>.+) is not a date or time", N_("%(value)s is not a date or time")),
    _rule(r"(?P<value>.+) is not a positive duration", N_("%(value)s is not a positive duration")),
    _rule(r"(?P<value>.+) is not a duration", N_("%(value)s is not a duration")),
    _rule(r"(?P<value>.+) is not a cycle \(e\.g\. R4/2027-01-15T09:00/P3M\)",
          N_("%(value)s is not a cycle (e.g. R4/2027-01-15T09:00/P3M)")),
)

# Diagram code (engine/restricted.py, engine/sandbox.py, RestrictedPython, the sandbox).
_CODE_RULES = (
    _rule(r"the code is nested too deeply", N_("the code is nested too deeply")),
    _rule(r"import is not available in diagram code; use the helper functions",
          N_("import is not available in diagram code; use the helper functions")),
    _rule(r"class (?P<name>\S+): classes cannot be defined in diagram code",
          N_("class %(name)s: classes cannot be defined in diagram code")),
    _rule(r"(?P<name>\w+)\(\) is not available in diagram code",
          N_("%(name)s() is not available in diagram code")),
    _rule(r"(?P<name>\w+)\(\) may only be called by a service task "
          r"\(spiffworkflow:serviceTaskOperator\), not from a script or expression",
          N_("%(name)s() may only be called by a service task "
             "(spiffworkflow:serviceTaskOperator), not from a script or expression")),
    _rule(r"process (?P<process>\S+) may not use the operator (?P<name>\S+) "
          r"\(only (?P<allowed>.*)\)",
          N_("process %(process)s may not use the operator %(name)s (only %(allowed)s)")),
    _rule(r"there is no service operation named (?P<name>.+)",
          N_("there is no service operation named %(name)s")),
    _rule(r"operator (?P<op>\S+) is not allowed in a diagram script",
          N_("operator %(op)s is not allowed in a diagram script")),
    _rule(r"the data field\(s\) (?P<fields>.+) hide a helper function; rename them",
          N_("the data field(s) %(fields)s hide a helper function; rename them")),
    _rule(r"(?:SyntaxError|IndentationError|TabError): (?P<reason>.+) at statement: "
          r"(?P<statement>.*)",
          N_("the code is not valid Python: %(reason)s, in %(statement)s"), "reason"),
    _rule(r"(?P<reason>.+) \(<(?:script|expression|unknown)>, line (?P<line>\d+)\)",
          N_("line %(line)s: the code is not valid Python: %(reason)s"), "reason"),
    _rule(r'"(?P<name>[^"]+)" is an invalid variable name because it starts with "_"',
          N_('"%(name)s" is an invalid variable name because it starts with "_"')),
    _rule(r'"(?P<name>[^"]+)" is an invalid attribute name because it starts with "_"\.',
          N_('"%(name)s" is an invalid attribute name because it starts with "_".')),
    _rule(r'"(?P<name>[^"]+)" is an invalid (?:variable|attribute) name because it ends with '
          r'"__roles__"\.',
          N_('"%(name)s" is an invalid name because it ends with "__roles__".')),
    _rule(r'"(?P<name>[^"]+)" is a reserved name\.', N_('"%(name)s" is a reserved name.')),
    _rule(r'"(?P<name>[^"]+)" is a restricted name, that is forbidden to access in '
          r"RestrictedPython\.",
          N_('"%(name)s" is a restricted name that diagram code may not use.')),
    _rule(r"Exec calls are not allowed\.", N_("Exec calls are not allowed.")),
    _rule(r"Eval calls are not allowed\.", N_("Eval calls are not allowed.")),
    _rule(r'"\*" imports are not allowed\.', N_('"*" imports are not allowed.')),
    _rule(r"Unpacking in comprehensions is not allowed\.",
          N_("Unpacking in comprehensions is not allowed.")),
    _rule(r"Augmented assignment of attributes is not allowed\.",
          N_("Augmented assignment of attributes is not allowed.")),
    _rule(r"Augmented assignment of object items and slices is not allowed\.",
          N_("Augmented assignment of object items and slices is not allowed.")),
    _rule(r'The keyword argument "metaclass" is not allowed\.',
          N_('The keyword argument "metaclass" is not allowed.')),
    _rule(r"(?P<kind>\w+) statements are not allowed\.",
          N_("%(kind)s statements are not allowed.")),
    _rule(r"(?P<error>\w+) on line (?P<line>\d+): (?P<reason>.+)",
          N_("%(error)s on line %(line)s: %(reason)s"), "reason"),
    _rule(r"it ran longer than the CPU-time limit of (?P<seconds>\S+) s",
          N_("it ran longer than the CPU-time limit of %(seconds)s s")),
    _rule(r"it needed more than the memory limit of (?P<size>\S+) MB",
          N_("it needed more than the memory limit of %(size)s MB")),
    _rule(r"it got no answer within (?P<seconds>\S+) s",
          N_("it got no answer within %(seconds)s s")),
    # A step that failed while an instance ran (engine.runtime, engine.sandbox).
    _rule(r'the process stopped with an error at "(?P<element>[^"]+)": (?P<reason>.+)',
          N_("the process stopped at “%(element)s”: %(reason)s"), "reason"),
    _rule(r"the process stopped with an error: (?P<reason>.+)",
          N_("the process stopped: %(reason)s"), "reason"),
    _rule(r"the service '(?P<operator>[^']+)' failed: (?:\w+(?:Error|Exception): )?"
          r"(?P<reason>.+)", N_("the service %(operator)s failed: %(reason)s"), "reason"),
    _rule(r"'(?P<name>[^']+)' is already a partner of the covenant\.?",
          N_("%(name)s is already a partner of the covenant")),
)

# Python's own words, inside the problems above.
_PYTHON = (
    _rule(r"invalid syntax", N_("invalid syntax")),
    _rule(r"invalid syntax\. Perhaps you forgot a comma\?",
          N_("invalid syntax. Perhaps you forgot a comma?")),
    _rule(r"invalid syntax\. Maybe you meant '==' or ':=' instead of '='\?",
          N_("invalid syntax. Maybe you meant '==' or ':=' instead of '='?")),
    _rule(r"cannot assign to .+ here\. Maybe you meant '==' instead of '='\?",
          N_("cannot assign here. Maybe you meant '==' instead of '='?")),
    _rule(r"'(?P<bracket>.)' was never closed", N_("'%(bracket)s' was never closed")),
    _rule(r"unmatched '(?P<bracket>.)'", N_("unmatched '%(bracket)s'")),
    _rule(r"expected '(?P<token>[^']+)'", N_("expected '%(token)s'")),
    _rule(r"unexpected indent", N_("unexpected indent")),
    _rule(r"expected an indented block.*", N_("expected an indented block")),
    _rule(r"unindent does not match any outer indentation level",
          N_("unindent does not match any outer indentation level")),
    _rule(r"unterminated string literal \(detected at line (?P<line>\d+)\)",
          N_("unterminated string literal (detected at line %(line)s)")),
    _rule(r"unterminated triple-quoted string literal \(detected at line (?P<line>\d+)\)",
          N_("unterminated triple-quoted string literal (detected at line %(line)s)")),
    _rule(r"too many nested parentheses", N_("too many nested parentheses")),
    _rule(r"leading zeros in decimal integer literals are not permitted; use an 0o prefix for "
          r"octal integers",
          N_("leading zeros in decimal integer literals are not permitted")),
    _rule(r"expression expected after dictionary key and ':'",
          N_("expression expected after dictionary key and ':'")),
    _rule(r"'(?P<keyword>\w+)' outside function", N_("'%(keyword)s' outside function")),
    _rule(r"'(?P<keyword>\w+)' outside loop", N_("'%(keyword)s' outside loop")),
    _rule(r"name '(?P<name>[^']+)' is not defined", N_("name '%(name)s' is not defined")),
    _rule(r"division by zero", N_("division by zero")),
)

# SpiffWorkflow's parser, as engine.diagrams.describe renders it.
_SPIFF = (
    _rule(r"Non-default exclusive outgoing sequence flow without condition",
          N_("Non-default exclusive outgoing sequence flow without condition")),
    _rule(r"When looking for a task spec, we found two items, perhaps a form has the same ID\? "
          r"\((?P<target>.*)\)",
          N_("the sequence flow to %(target)s does not lead to exactly one element")),
    _rule(r'No "calledElement" attribute for Call Activity\.',
          N_('No "calledElement" attribute for Call Activity.')),
    _rule(r"The process '(?P<process>.*)' was not found\. Did you mean one of the following: \?",
          N_("The process '%(process)s' was not found.")),
    _rule(r"The process '(?P<process>.*)' was not found\. Did you mean one of the following: "
          r"(?P<options>.*)\?",
          N_("The process '%(process)s' was not found. Did you mean one of the following: "
             "%(options)s?")),
    _rule(r"Process (?P<process>\S+) is not executable\.",
          N_("Process %(process)s is not executable.")),
    _rule(r"Duplicate process ID: (?P<process>.+)", N_("Duplicate process ID: %(process)s")),
    _rule(r"No start event found", N_("No start event found")),
    _rule(r"Exactly one start event is required in a SubWorkflow Task; found (?P<count>\d+)\.",
          N_("Exactly one start event is required in a SubWorkflow Task; found %(count)s.")),
    _rule(r"A SubWorkflow Must contain an End event",
          N_("A SubWorkflow Must contain an End event")),
    _rule(r"A multiinstance task must specify a cardinality or a loop input data reference",
          N_("A multiinstance task must specify a cardinality or a loop input data reference")),
    _rule(r"A multiinstance task must specify exactly one of cardinality or loop input data "
          r"reference",
          N_("A multiinstance task must specify exactly one of cardinality or loop input data "
             "reference")),
    _rule(r"The loop input data reference is missing from the IO specification",
          N_("The loop input data reference is missing from the IO specification")),
    _rule(r"The loop output data reference is missing from the IO specification",
          N_("The loop output data reference is missing from the IO specification")),
    _rule(r"A loopMaximum or loopCondition must be specified for Loop Tasks",
          N_("A loopMaximum or loopCondition must be specified for Loop Tasks")),
    _rule(r"A Service Task must have an operator", N_("A Service Task must have an operator")),
    _rule(r"Conditional event definition with missing condition",
          N_("Conditional event definition with missing condition")),
    _rule(r"Cancel Events may only be used with transactions",
          N_("Cancel Events may only be used with transactions")),
    _rule(r"Could not find messageRef from message event definition: (?P<ref>.+)",
          N_("Could not find messageRef from message event definition: %(ref)s")),
    _rule(r"Invalid Script Task\.  No Script Provided\..*",
          N_("Invalid Script Task. No Script Provided.")),
    _rule(r"There is no support implemented for this task type\.",
          N_("There is no support implemented for this task type.")),
    _rule(r"Multiple outgoing flows are not supported for tasks of type",
          N_("Multiple outgoing flows are not supported for tasks of type")),
    _rule(r"Cannot resolve dataInputAssociation (?P<name>.+)",
          N_("Cannot resolve dataInputAssociation %(name)s")),
    _rule(r"Cannot resolve dataOutputAssociation (?P<name>.+)",
          N_("Cannot resolve dataOutputAssociation %(name)s")),
    _rule(r'No DMN Diagram available with id "(?P<decision>.*)", Available DMN ids are: ?',
          N_('No DMN Diagram available with id "%(decision)s"')),
    _rule(r'No DMN Diagram available with id "(?P<decision>.*)", Available DMN ids are: '
          r"(?P<options>.+)",
          N_('No DMN Diagram available with id "%(decision)s", Available DMN ids are: '
             "%(options)s")),
    _rule(r"No decisions found", N_("No decisions found")),
    _rule(r"Multiple decision tables are not current supported\.",
          N_("Multiple decision tables are not current supported.")),
    _rule(r"Malformed Output Expression '(?P<expression>.*)'\. (?P<detail>.*)",
          N_("Malformed Output Expression '%(expression)s'. %(detail)s")),
)

# The BPMN schema, as lxml reports it (with namespaces shortened to prefixes).
_SCHEMA = (
    _rule(_XSD + r": This element is not expected\. "
          r"Expected is (?:one of )?\( (?P<expected>.+) \)\.",
          N_("Element %(element)s: This element is not expected. Expected is %(expected)s.")),
    _rule(_XSD + r": This element is not expected\.",
          N_("Element %(element)s: This element is not expected.")),
    _rule(_XSD + r": Missing child element\(s\)\. Expected is (?:one of )?\( (?P<expected>.+) \)\.",
          N_("Element %(element)s: Missing child element(s). Expected is %(expected)s.")),
    _rule(_XSD + r": The attribute '(?P<attribute>[^']+)' is required but missing\.",
          N_("Element %(element)s: The attribute %(attribute)s is required but missing.")),
    _rule(_XSD + r", attribute '(?P<attribute>[^']+)': '(?P<value>.*)' is not a valid value of "
          r"the atomic type 'xs:ID'\.",
          N_("Element %(element)s, attribute %(attribute)s: '%(value)s' is not a valid id, or "
             "another element has it too.")),
    _rule(_XSD + r", attribute '(?P<attribute>[^']+)': '(?P<value>.*)' is not a valid value of "
          r"the atomic type '(?P<type>[^']+)'\.",
          N_("Element %(element)s, attribute %(attribute)s: '%(value)s' is not a valid value "
             "of the type %(type)s.")),
    _rule(_XSD + r", attribute '(?P<attribute>[^']+)': The attribute '[^']+' is not allowed\.",
          N_("Element %(element)s: The attribute %(attribute)s is not allowed.")),
)

# What the process owners' commands refuse (engine/drafts.py, new_diagrams.py,
# process_owners.py).
_OWNERS = (
    _rule(r"DMN file has no decision table", N_("DMN file has no decision table")),
    _rule(r"script task has no script: write one, or make it a plain task",
          N_("script task has no script: write one, or make it a plain task")),
    _rule(r"write a change note: what changed, and why",
          N_("write a change note: what changed, and why")),
    _rule(r"a change note has at most (?P<n>\d+) characters",
          N_("a change note has at most %(n)s characters")),
    _rule(r"the draft is the same as version (?P<version>\d+): there is nothing to deploy",
          N_("the draft is the same as version %(version)s: there is nothing to deploy")),
    _rule(r"there is no draft of '(?P<key>.*)'", N_("there is no draft of %(key)s")),
    _rule(r"no process with key '(?P<key>.*)': start it as a new process first",
          N_("there is no process %(key)s: start it as a new process first")),
    _rule(r"no process with key '(?P<key>.*)' is deployed.*",
          N_("there is no deployed process %(key)s")),
    _rule(r"the diagram is empty", N_("the diagram is empty")),
    _rule(r"the diagram has no process with id '(?P<key>.*)': the process id is the key and "
          r"stays the same",
          N_("the diagram has no process with id %(key)s: the process id is its key and cannot "
             "change")),
    _rule(r"a process with key '(?P<key>.*)' already exists; choose another key",
          N_("a process with key %(key)s already exists; choose another key")),
    _rule(r"give the process a key", N_("give the process a key")),
    _rule(r"give the process a name", N_("give the process a name")),
    _rule(r"a process name has at most (?P<n>\d+) characters",
          N_("a process name has at most %(n)s characters")),
    _rule(r"the key '(?P<key>.*)' is not a valid id: .*\(at most (?P<n>\d+)\)",
          N_("the key %(key)s is not a valid id: start with a letter or _, then letters, "
             "digits, _, - or . (at most %(n)s)")),
    _rule(r"only a (?P<role>.+) may change processes",
          N_("only a %(role)s may change processes")),
    _rule(r"give the role a name", N_("give the role a name")),
    _rule(r"a role's name has at most (?P<n>\d+) characters",
          N_("a role's name has at most %(n)s characters")),
    _rule(r"a role's name has letters, digits, spaces and .* only, and starts with a letter "
          r"or digit",
          N_("a role's name has letters, digits, spaces and . , ' ( ) & / - only, and starts "
             "with a letter or digit")),
    _rule(r"a description has at most (?P<n>\d+) characters",
          N_("a description has at most %(n)s characters")),
    _rule(r"the role '(?P<role>.*)' already exists", N_("the role %(role)s already exists")),
)

# The form editor (engine/form_drafts.py).
_FORMS = (
    _rule(r"the form is not valid JSON: (?P<reason>.+) at line (?P<line>\d+), column "
          r"(?P<column>\d+)",
          N_("the form is not valid JSON: %(reason)s at line %(line)s, column %(column)s")),
    _rule(r"the UI schema is not valid JSON: (?P<reason>.+) at line (?P<line>\d+), column "
          r"(?P<column>\d+)",
          N_("the UI schema is not valid JSON: %(reason)s at line %(line)s, column %(column)s")),
    _rule(r"the (?:form|UI schema) must be a JSON object",
          N_("the form must be a JSON object")),
    _rule(r"the form names (?P<names>.+) more than once: each field name must be unique",
          N_("the form names %(names)s more than once: each field name must be unique")),
    _rule(r'field name "(?P<name>.*)" in (?P<within>\S+) is not a valid name: .*',
          N_('field name "%(name)s" in %(within)s is not a valid name: start with a letter, '
             "then letters, digits or _ (no spaces)")),
    _rule(r'field name "(?P<name>.*)" is not a valid name: .*',
          N_('field name "%(name)s" is not a valid name: start with a letter, then letters, '
             "digits or _ (no spaces)")),
    _rule(r'field "(?P<name>.*)"(?: in \S+)? is not a JSON Schema object',
          N_('field "%(name)s" is not a JSON Schema object')),
    _rule(r'a form is a JSON Schema of "type": "object" with "properties"',
          N_('a form is a JSON Schema of "type": "object" with "properties"')),
)

RULES: tuple[Rule, ...] = (*_FILES, *_ELEMENTS, *_TIMERS, *_CODE_RULES, *_PYTHON, *_SPIFF,
                           *_SCHEMA, *_OWNERS, *_FORMS)
_SEVERAL = re.compile(r"; (?=Line \d+: )")  # RestrictedPython joins its errors so


def in_words(message: str) -> str:
    """One problem (without its ``file: element ID "name": `` prefix) for the process owner,
    in the language of the request; text no rule knows is shown as the engine's."""
    return _translated(message) or gettext("The engine reports: %(text)s", text=message)


def _translated(text: str) -> str | None:
    text = " ".join(text.split())
    for name, prefix in _NAMESPACES.items():
        text = text.replace(name, prefix)
    parts = _SEVERAL.split(text)
    if len(parts) > 1:
        words = [w for w in map(_translated, parts) if w is not None]
        return "; ".join(words) if len(words) == len(parts) else None
    for rule in RULES:
        match = rule.pattern.fullmatch(text)
        if match:
            words = _apply(rule, match.groupdict())
            if words is not None:
                return words
    return None


def _apply(rule: Rule, groups: dict[str, str | None]) -> str | None:
    values: dict[str, str] = {}
    for name, value in groups.items():
        value = value or ""
        if name in rule.nested:
            words = _translated(value)
            if words is None and rule.strict:
                return None
            value = words or value
        elif name == "label":
            value = _label(value)
        values[name] = value
    return gettext(rule.template, **values)


def _label(text: str) -> str:
    """What a problem is about (``script``, ``due date``) as the owner calls it."""
    if text in _LABELS:
        return _LABELS[text]()
    parameter = _PARAMETER.fullmatch(text)
    if parameter:
        return pgettext("problem part", "parameter %(param)s of %(operator)s",
                        **parameter.groupdict())
    return text
