#pragma once
// Tells the service manager what the server is doing, with the sd_notify(3) datagram protocol:
// one "KEY=VALUE" datagram per state change to the Unix socket named by $NOTIFY_SOCKET (a path,
// or an abstract address when it starts with '@'). systemd sets the variable for a unit with
// Type=notify and waits for READY=1 before it counts the service as started.
//
// Why not libsystemd: the protocol is small, documented as stable (systemd's "Interface
// Portability and Stability" promise covers it), and the same datagram serves any supervisor
// that speaks it; linking libsystemd would add a run-time dependency for one sendto().
//
// Without $NOTIFY_SOCKET (run by hand, in tests) every function does nothing. A notification
// that cannot be sent is logged once per call and otherwise ignored: the service manager's own
// timeout is what reports a server that never became ready.
// Threading: any thread; each call opens, uses and closes its own socket.

namespace kontalk::core {

// Listeners are bound and storage is open: clients can connect (READY=1).
void notifyReady();
// A configuration reload began (RELOADING=1); send notifyReady() when it has finished.
void notifyReloading();
// Shutdown began (STOPPING=1): the manager waits for the exit instead of counting a failure.
void notifyStopping();

}  // namespace kontalk::core
