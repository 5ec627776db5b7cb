"""A desktop's services on the test's private session bus, for the desktop E2E.

Starts a notification server (python-dbusmock's notification_daemon template) and, with --tray,
a tray host: a StatusNotifierWatcher that has a host registered, as KDE and most panels run.
Prints "ready" once both answer; then reads commands on stdin:
  notifications  -> prints the Notify calls so far as one JSON line [{"summary", "body"}]
End of input stops the services.
"""

import json
import subprocess
import sys

from dbusmock import MOCK_IFACE, DBusTestCase

WATCHER = "org.kde.StatusNotifierWatcher"


def main() -> None:
    tray = "--tray" in sys.argv[1:]
    daemons = []
    notify_proc, notify = DBusTestCase.spawn_server_template(
        "notification_daemon", {}, stdout=subprocess.DEVNULL
    )
    daemons.append(notify_proc)
    if tray:
        daemons.append(
            DBusTestCase.spawn_server(
                WATCHER, "/StatusNotifierWatcher", WATCHER, stdout=subprocess.DEVNULL
            )
        )
        watcher = DBusTestCase.get_dbus(False).get_object(WATCHER, "/StatusNotifierWatcher")
        watcher.AddProperty(WATCHER, "IsStatusNotifierHostRegistered", True, dbus_interface=MOCK_IFACE)
        watcher.AddProperty(WATCHER, "ProtocolVersion", 0, dbus_interface=MOCK_IFACE)
        watcher.AddMethod(WATCHER, "RegisterStatusNotifierItem", "s", "", "", dbus_interface=MOCK_IFACE)
        watcher.AddMethod(WATCHER, "RegisterStatusNotifierHost", "s", "", "", dbus_interface=MOCK_IFACE)
    print("ready", flush=True)
    try:
        for line in sys.stdin:
            if line.strip() == "notifications":
                calls = [
                    {"summary": str(args[3]), "body": str(args[4])}
                    for (_, method, args) in notify.GetCalls(dbus_interface=MOCK_IFACE)
                    if method == "Notify"
                ]
                print(json.dumps(calls), flush=True)
    finally:
        for d in daemons:
            d.terminate()
            d.wait()


if __name__ == "__main__":
    main()
