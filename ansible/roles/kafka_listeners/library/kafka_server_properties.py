#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kafka-privatelink
# Apache License 2.0

DOCUMENTATION = r"""
---
module: kafka_server_properties
short_description: Set keys in a Kafka server.properties, reading it as Kafka (java.util.Properties) does.
description:
  - Reads the file with the rules of java.util.Properties.load(InputStream), which Kafka uses
    (ISO 8859-1, line continuations, escapes, C(=), C(:) and white space as separators, C(#) and
    C(!) comments, leading white space, CR, LF and CRLF).
  - Replaces the whole logical line of each key's last occurrence (the one Kafka reads), removes
    its other occurrences and appends a key that is missing. Every other byte stays as it was.
  - Refuses, naming the line and the key, and leaves untouched a file that it cannot rewrite
    safely, that is one that Kafka itself cannot load (a malformed \\uxxxx escape) or that ends
    in a lone backslash (Kafka reads an empty key there) when a key must be appended.
options:
  path:
    description: The server.properties to edit.
    type: path
    required: true
  properties:
    description: Keys and the values Kafka must read for them.
    type: dict
    required: true
requirements:
  - Python 3 on the broker host
supports_check_mode: true
"""

import bisect
import os
import re
import tempfile

from ansible.module_utils.basic import AnsibleModule

WHITESPACE = " \t\f"
TERMINATOR = re.compile(r"\r\n|\r|\n")
HEX = "0123456789abcdefABCDEF"


class Refused(Exception):
    pass


class Entry(object):
    """One logical line: its key and value as Kafka reads them, and the physical lines it spans."""

    def __init__(self, raw, key, value, start, end, line):
        self.raw = raw
        self.key = key
        self.value = value
        self.start = start
        self.end = end
        self.line = line


def _unescape(raw, line, key_hint):
    # java.util.Properties.loadConvert
    if "\\" not in raw:
        return raw
    out = []
    i = 0
    while i < len(raw):
        c = raw[i]
        i += 1
        if c != "\\":
            out.append(c)
            continue
        c = raw[i]
        i += 1
        if c == "u":
            digits = raw[i:i + 4]
            if len(digits) < 4 or any(d not in HEX for d in digits):
                raise Refused((line, key_hint, "malformed \\uxxxx escape '%s', which Kafka cannot load either" % ("\\u" + digits)))
            out.append(chr(int(digits, 16)))
            i += 4
        else:
            out.append({"t": "\t", "r": "\r", "n": "\n", "f": "\f"}.get(c, c))
    return "".join(out)


def _split(raw):
    # java.util.Properties.load0: the key ends at the first unescaped separator.
    key_len = 0
    value_start = len(raw)
    has_sep = False
    backslash = False
    while key_len < len(raw):
        c = raw[key_len]
        if c in "=:" and not backslash:
            value_start = key_len + 1
            has_sep = True
            break
        if c in WHITESPACE and not backslash:
            value_start = key_len + 1
            break
        backslash = (not backslash) if c == "\\" else False
        key_len += 1
    while value_start < len(raw):
        c = raw[value_start]
        if c not in WHITESPACE:
            if not has_sep and c in "=:":
                has_sep = True
            else:
                break
        value_start += 1
    return raw[:key_len], raw[value_start:]


def parse(text):
    """The logical lines of text, as java.util.Properties.LineReader.readLine cuts them, and the last one
    when the text ends inside its continuation (a line appended after the text would join it)."""
    starts = [0] + [m.end() for m in TERMINATOR.finditer(text)]

    def physical_line(offset):
        index = bisect.bisect_right(starts, offset) - 1
        return starts[index], index + 1

    raws = []
    n = len(text)
    off = 0
    buf = []
    first = None
    skip_ws = True
    appended = False
    backslash = False
    open_at_eof = False
    while True:
        if off >= n:
            if buf:
                open_at_eof = backslash or skip_ws
                raws.append((first, n, "".join(buf[:-1] if backslash else buf)))
            break
        c = text[off]
        off += 1
        if skip_ws:
            if c in WHITESPACE:
                continue
            if not appended and c in "\r\n":
                continue
            skip_ws = False
            appended = False
        if not buf and c in "#!":
            while off < n and text[off] not in "\r\n":
                off += 1
            if off >= n:
                break
            off += 1
            skip_ws = True
            continue
        if c not in "\r\n":
            if not buf:
                first = off - 1
            buf.append(c)
            backslash = (not backslash) if c == "\\" else False
            continue
        if not buf:
            skip_ws = True
            continue
        if off >= n:
            open_at_eof = backslash
            raws.append((first, n, "".join(buf[:-1] if backslash else buf)))
            break
        if backslash:
            buf.pop()
            skip_ws = True
            appended = True
            backslash = False
            if c == "\r" and text[off] == "\n":
                off += 1
        else:
            end = off + 1 if c == "\r" and text[off] == "\n" else off
            raws.append((first, end, "".join(buf)))
            buf = []
            skip_ws = True
            appended = False

    entries = []
    for first, end, raw in raws:
        start, line = physical_line(first)
        raw_key, raw_value = _split(raw)
        key = _unescape(raw_key, line, raw_key)
        entries.append(Entry(raw, key, _unescape(raw_value, line, key), start, end, line))
    return entries, (entries[-1] if open_at_eof else None)


def _escape(text, is_key):
    # java.util.Properties.saveConvert, in the ISO 8859-1 that Kafka reads: anything else as \uxxxx
    # (UTF-16 code units, as Java holds them).
    out = []
    for index, c in enumerate(text):
        if c == "\\":
            out.append("\\\\")
        elif c == " ":
            out.append("\\ " if is_key or index == 0 else " ")
        elif c in "\t\n\r\f":
            out.append({"\t": "\\t", "\n": "\\n", "\r": "\\r", "\f": "\\f"}[c])
        elif is_key and c in "=:#!":
            out.append("\\" + c)
        elif " " < c <= "~":
            out.append(c)
        else:
            units = c.encode("utf-16-be", "surrogatepass")
            out.extend("\\u%02X%02X" % (units[i], units[i + 1]) for i in range(0, len(units), 2))
    return "".join(out)


def _line(key, value):
    return _escape(key, True) + "=" + _escape(value, False)


def _terminator_of(text, entry):
    match = re.search(r"(\r\n|\r|\n)\Z", text[entry.start:entry.end])
    return match.group(1) if match else ""


def rewrite(text, wanted):
    entries, _ = parse(text)
    edits = []
    missing = []
    for key, value in wanted.items():
        found = [e for e in entries if e.key == key]
        if not found:
            missing.append(key)
            continue
        edits.extend((e.start, e.end, "") for e in found[:-1])
        last = found[-1]
        if last.value != value:
            edits.append((last.start, last.end, _line(key, value) + _terminator_of(text, last)))
    out = []
    cursor = 0
    for start, end, replacement in sorted(edits):
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    result = "".join(out)
    if missing:
        endings = TERMINATOR.findall(text)
        newline = max(endings, key=endings.count) if endings else "\n"
        dangling = parse(result)[1]
        if dangling is not None and dangling.raw == "":
            raise Refused((dangling.line, dangling.key, "the file ends in a lone backslash, which Kafka reads as an empty key; a line appended after it would drop that key"))
        if result and result[-1] not in "\r\n":
            result += newline
        while parse(result)[1] is not None:
            # a blank line ends the continuation that the file ends in (after a CR, a LF is part of it)
            result += newline
        result += "".join(_line(key, wanted[key]) + newline for key in missing)
    return result


def _as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def main():
    module = AnsibleModule(
        argument_spec=dict(path=dict(type="path", required=True), properties=dict(type="dict", required=True)),
        supports_check_mode=True,
    )
    path = module.params["path"]
    wanted = dict((key, _as_text(value)) for key, value in module.params["properties"].items())
    try:
        with open(path, "rb") as handle:
            before = handle.read().decode("latin-1")
    except (IOError, OSError) as error:
        module.fail_json(msg="%s: cannot read it: %s" % (path, error))
    try:
        after = rewrite(before, wanted)
    except Refused as refusal:
        line, key, reason = refusal.args[0]
        module.fail_json(msg="%s line %d, key %r: %s" % (path, line, key, reason), line=line, key=key)
    changed = after != before
    result = dict(changed=changed)
    if module._diff:
        result["diff"] = dict(before=before, after=after, before_header=path, after_header=path)
    if changed and not module.check_mode:
        fd, tmp = tempfile.mkstemp(dir=module.tmpdir)
        with os.fdopen(fd, "wb") as handle:
            handle.write(after.encode("latin-1"))
        module.atomic_move(tmp, os.path.realpath(path))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
