"""A desktop's services on the test's private session bus, for the desktop E2E.

Starts a notification server (python-dbusmock's notification_daemon template; with --actions it
reports the "actions" capability, as GNOME's and KDE's servers do) and, with --tray, a tray host:
a StatusNotifierWatcher that has a host registered, as KDE and most panels run.
Prints "ready" once both answer; then reads commands on stdin:
  notifications        -> the Notify calls so far as one JSON line
                          [{"id", "app_name", "icon", "summary", "body", "actions"}]
  invoke ID ACTION     -> emits ActionInvoked(ID, ACTION) as a click would; prints "ok"
End of input stops the services.
"""

import json
import subprocess
import sys

import dbus

from dbusmock import MOCK_IFACE, DBusTestCase

WATCHER = "org.kde.StatusNotifierWatcher"


def main() -> None:
    tray = "--tray" in sys.argv[1:]
    params = {}
    if "--actions" in sys.argv[1:]:
        params["capabilities"] = "body actions"
    daemons = []
    notify_proc, notify = DBusTestCase.spawn_server_template(
        "notification_daemon", params, stdout=subprocess.DEVNULL
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
            words = line.split()
            if words == ["notifications"]:
                calls = []
                for (_, method, args) in notify.GetCalls(dbus_interface=MOCK_IFACE):
                    if method != "Notify":
                        continue
                    # The template answers replaces_id, else the next id from 1.
                    replaces = int(args[1])
                    calls.append(
                        {
                            "id": replaces if replaces else len(calls) + 1,
                            "app_name": str(args[0]),
                            "icon": str(args[2]),
                            "summary": str(args[3]),
                            "body": str(args[4]),
                            "actions": [str(a) for a in args[5]],
                        }
                    )
                print(json.dumps(calls), flush=True)
            elif len(words) == 3 and words[0] == "invoke":
                notify.EmitSignal(
                    "org.freedesktop.Notifications",
                    "ActionInvoked",
                    "us",
                    [dbus.UInt32(int(words[1])), words[2]],
                    dbus_interface=MOCK_IFACE,
                )
                print("ok", flush=True)
    finally:
        for d in daemons:
            d.terminate()
            d.wait()


if __name__ == "__main__":
    main()
