#!/usr/bin/env python3
"""Reads an HTML report and prints what the tests assert, as JSON: the number
of <svg> ladders and whether each parses as XML, <script> elements, anything
that would be fetched (src/href not starting with '#', <link>, url() other
than '#marker', @import), the visible text, the SVG labels drawn in red
(class "label fail") and orange ("label warn"), and the HTML parser's
complaints about unbalanced tags.

usage: html_check.py FILE
"""
import html.parser
import json
import re
import sys
import xml.etree.ElementTree as ET

VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
SVG_NS = "{http://www.w3.org/2000/svg}"


class Reader(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.text = [], [], []
        self.scripts, self.external, self.links = 0, [], 0
        self.in_svg = 0
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag == "style":
            self.in_style = True
        if tag == "link":
            self.links += 1
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster") and value and not value.startswith("#"):
                self.external.append(f"{tag} {name}={value}")
        if tag == "svg":
            self.in_svg += 1
        if tag not in VOID and not self.in_svg or tag == "svg":
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "xlink:href") and value and not value.startswith("#"):
                self.external.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        if tag == "svg":
            self.in_svg -= 1
        if self.in_svg and tag != "svg":
            return
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        if not self.in_style:
            self.text.append(data)


def main():
    source = open(sys.argv[1], encoding="utf-8").read()
    reader = Reader()
    reader.feed(source)
    reader.close()
    svgs = re.findall(r"<svg\b.*?</svg>", source, flags=re.S)
    xml_ok, fail_labels, warn_labels = True, [], []
    for svg in svgs:
        try:
            root = ET.fromstring(svg)
        except ET.ParseError as error:
            xml_ok = False
            print(f"svg not well-formed: {error}", file=sys.stderr)
            continue
        for element in root.iter(SVG_NS + "text"):
            classes = element.get("class", "").split()
            text = "".join(element.itertext())
            if "label" in classes and "fail" in classes:
                fail_labels.append(text)
            if "label" in classes and "warn" in classes:
                warn_labels.append(text)
    styles = " ".join(re.findall(r"<style>(.*?)</style>", source, flags=re.S))
    if "@import" in styles:
        reader.external.append("@import")
    for url in re.findall(r"url\(([^)]*)\)", source):
        if not url.strip("'\"").startswith("#"):
            reader.external.append(f"url({url})")
    print(json.dumps({
        "doctype": source.startswith("<!DOCTYPE html>"),
        "svgs": len(svgs),
        "svg_xml_ok": xml_ok,
        "scripts": reader.scripts,
        "links": reader.links,
        "external": reader.external,
        "unbalanced": reader.problems + ([f"unclosed: {reader.stack}"] if reader.stack else []),
        "text": " ".join("".join(reader.text).split()),
        "fail_labels": fail_labels,
        "warn_labels": warn_labels,
        "bytes": len(source.encode("utf-8")),
    }))


main()
