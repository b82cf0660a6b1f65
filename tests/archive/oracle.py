#!/usr/bin/env python3
"""An independent WARC reader for the archive tests: prints one line per
record, "TYPE<TAB>TARGET-URI<TAB>CONTENT-LENGTH", of a well-formed WARC file
(plain, or gzip with any number of members). Exits 1 on anything malformed."""
import sys
import zlib


def decompress(data):
    if data[:2] != b"\x1f\x8b":
        return data
    out = []
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out.append(d.decompress(data))
        if not d.eof:
            sys.exit("truncated gzip member")
        data = d.unused_data.lstrip(b"\0")
    return b"".join(out)


def main():
    data = decompress(open(sys.argv[1], "rb").read())
    pos = 0
    while pos < len(data):
        if data[pos:pos + 2] == b"\r\n":
            pos += 2
            continue
        if data[pos:pos + 1] == b"\n":
            pos += 1
            continue
        end = data.find(b"\r\n\r\n", pos)
        if not data.startswith(b"WARC/1.", pos) or end < 0:
            sys.exit("not a WARC record at %d" % pos)
        headers = {}
        for line in data[pos:end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers[b"content-length"])
        pos = end + 4 + length
        if pos > len(data):
            sys.exit("truncated record")
        uri = headers.get(b"warc-target-uri", b"").decode("utf-8", "replace")
        if uri.startswith("<") and uri.endswith(">"):
            uri = uri[1:-1]
        print("%s\t%s\t%d" % (headers.get(b"warc-type", b"").decode(), uri, length))


main()
