"""Can the GUI open a window here? Checked without loading Qt, so that a missing system
library gives a sentence with the apt-get line instead of Qt's generic "could not load the Qt
platform plugin" abort, and a missing display gives a message instead of a silent hang.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

# shared library → the Debian/Ubuntu package that provides it
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-shape.so.0": "libxcb-shape0", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xinput.so.0": "libxcb-xinput0", "libxcb-util.so.1": "libxcb-util1",
    "libxcb-glx.so.0": "libxcb-glx0", "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb.so.1": "libxcb1", "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6",
    "libSM.so.6": "libsm6", "libICE.so.6": "libice6", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0", "libGLX.so.0": "libglx0", "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6", "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0", "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1",
}
# what the README tells a minimal Debian/Ubuntu to install for the GUI
GUI_APT_PACKAGES = ("libegl1", "libgl1", "libfontconfig1", "libdbus-1-3", "libglib2.0-0", "libxkbcommon0",
                    "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0",
                    "libxcb-render-util0", "libxcb-shape0", "libxcb-randr0", "libxcb-xinerama0", "libxcb-xkb1",
                    "libx11-xcb1")
WINDOWLESS = ("offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay")


def qt_plugin_dir() -> Optional[Path]:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.origin:
        return None
    d = Path(spec.origin).parent / "Qt" / "plugins" / "platforms"
    return d if d.is_dir() else None


def missing_libraries(plugin: str = "xcb") -> Optional[list[str]]:
    """Shared libraries Qt's ``plugin`` platform needs that the system lacks (``ldd``), or
    None when that cannot be checked here (not Linux, no ldd, no plugin)."""
    d = qt_plugin_dir()
    if not sys.platform.startswith("linux") or d is None or not shutil.which("ldd"):
        return None
    lib = d / f"libq{plugin}.so"
    if not lib.exists():
        return None
    try:
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    missing = [line.split("=>")[0].strip() for line in out.splitlines() if "not found" in line]
    return sorted(dict.fromkeys(missing))


def apt_line(libs: list[str]) -> str:
    pkgs = sorted(dict.fromkeys(DEBIAN_PACKAGES.get(x, x) for x in libs))
    return "sudo apt-get install " + " ".join(pkgs)


def display() -> Optional[str]:
    """The display a window would open on, or None."""
    if os.environ.get("WAYLAND_DISPLAY"):
        return f"Wayland {os.environ['WAYLAND_DISPLAY']}"
    if os.environ.get("DISPLAY"):
        return f"X11 {os.environ['DISPLAY']}"
    if sys.platform in ("win32", "darwin"):
        return "desktop"
    return None


def platform_choice() -> str:
    """The Qt platform the GUI would use: QT_QPA_PLATFORM, else what the display implies."""
    explicit = (os.environ.get("QT_QPA_PLATFORM") or "").split(":")[0].split(";")[0].strip()
    if explicit:
        return explicit
    if sys.platform.startswith("linux"):
        return "wayland" if os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY") else "xcb"
    return "native"


def report() -> tuple[list[str], list[str]]:
    """(lines for ``workbench doctor``, sentences of what stops a window from opening)."""
    lines, blockers = [], []
    shown = display()
    lines.append(f"display: {shown}" if shown else "display: none (DISPLAY and WAYLAND_DISPLAY are not set)")
    plat = platform_choice()
    if not shown and plat not in WINDOWLESS and sys.platform.startswith("linux"):
        blockers.append("no display (DISPLAY and WAYLAND_DISPLAY are not set): run it on a desktop, with "
                        "ssh -X, or make a picture with `workbench gui --demo --screenshot out.png`")
    if plat in ("xcb", "wayland"):
        missing = missing_libraries(plat)
        if missing is None:
            lines.append(f"Qt platform {plat}: libraries not checked here")
        elif missing:
            blockers.append(f"Qt's {plat} platform needs libraries this system lacks ({', '.join(missing)}): "
                            f"{apt_line(missing)}")
        else:
            lines.append(f"Qt platform {plat}: all libraries present")
    elif plat in WINDOWLESS:
        lines.append(f"Qt platform {plat} (QT_QPA_PLATFORM): no window is shown, pictures only")
    return lines, blockers


def window_blocker(screenshot: bool) -> Optional[str]:
    """Why ``workbench gui`` cannot open its window here (None: go ahead). A screenshot needs
    no window: it runs offscreen when there is no display."""
    if screenshot:
        if display() is None and not os.environ.get("QT_QPA_PLATFORM"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    plat = platform_choice()
    if plat in WINDOWLESS:
        return (f"QT_QPA_PLATFORM is {plat}: the window would open nowhere and the program would seem to hang. "
                + ("There is no display (DISPLAY and WAYLAND_DISPLAY are not set): run it on a desktop or with "
                   "ssh -X, or make a picture with `workbench gui --demo --screenshot out.png`."
                   if display() is None else "Unset QT_QPA_PLATFORM to see the window."))
    _lines, blockers = report()
    return "; ".join(blockers) if blockers else None
