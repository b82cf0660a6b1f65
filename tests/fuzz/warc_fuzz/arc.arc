filedesc://x.arc 127.0.0.1 20140216050221 text/plain 75
1 0 Example

