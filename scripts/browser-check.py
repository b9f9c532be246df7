#!/usr/bin/env python3
"""Opens `lenet serve`'s page in headless Chromium, draws digits with the mouse, and checks the
prediction the page shows. Not part of CI.

    apt-get install chromium; pip install playwright
    python3 scripts/browser-check.py MODEL.safetensors [--screenshot page.png]

The `lenet` binary: $LENET, or `swift run -c release lenet` from the repository. Chromium: $CHROMIUM or
/usr/bin/chromium (playwright's own browser download is not needed).
"""
import argparse
import math
import os
import shlex
import socket
import subprocess
import sys
import time

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sys.exit("playwright is missing: pip install playwright (and apt-get install chromium)")

parser = argparse.ArgumentParser()
parser.add_argument("model")
parser.add_argument("--screenshot", help="save the page after the last digit")
args = parser.parse_args()

repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
lenet = shlex.split(os.environ.get("LENET", "swift run -c release lenet"))
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]

# Strokes on a 0..1 square, as a person would draw them on the 280x280 canvas.
DIGITS = {
    1: [[(0.5, 0.15), (0.5, 0.85)]],
    7: [[(0.25, 0.2), (0.75, 0.2), (0.4, 0.85)]],
    0: [[(0.5 + 0.22 * math.sin(t / 24 * 2 * math.pi), 0.5 - 0.33 * math.cos(t / 24 * 2 * math.pi)) for t in range(25)]],
    4: [[(0.6, 0.85), (0.6, 0.15), (0.25, 0.6), (0.8, 0.6)]],
}

server = subprocess.Popen(lenet + ["serve", "--model", os.path.abspath(args.model), "--port", str(port)], cwd=repo,
                          stdout=subprocess.PIPE, text=True)
failures = 0
try:
    line = server.stdout.readline()  # "Serving ... at http://..." once it listens
    if "Serving" not in line:
        sys.exit(f"lenet serve did not start: {line!r}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                    args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        page.goto(f"http://127.0.0.1:{port}/")
        box = page.locator("#pad").bounding_box()
        for digit, strokes in DIGITS.items():
            page.click("#clear")
            for stroke in strokes:
                x, y = stroke[0]
                page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
                page.mouse.down()
                for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
                    for k in range(1, 9):  # intermediate points, as a real drag sends
                        t = k / 8
                        page.mouse.move(box["x"] + (x0 + t * (x1 - x0)) * box["width"],
                                        box["y"] + (y0 + t * (y1 - y0)) * box["height"])
                page.mouse.up()
            page.wait_for_function("document.querySelectorAll('.stage').length > 0")
            time.sleep(0.5)  # let the last request (sent on mouse up) come back
            page.wait_for_load_state("networkidle")
            shown = page.inner_text("#digit").strip()
            stages = page.locator(".stage h3 b").all_inner_texts()
            ok = shown == str(digit)
            failures += not ok
            print(f"drew {digit}: the page shows {shown} {'ok' if ok else 'WRONG'} (feature maps shown: {', '.join(stages)})")
        if args.screenshot:
            page.screenshot(path=args.screenshot, full_page=True)
            print(f"screenshot: {args.screenshot}")
        browser.close()
finally:
    server.terminate()
sys.exit(1 if failures else 0)
