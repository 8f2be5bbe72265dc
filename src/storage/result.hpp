#pragma once
// Stores report failures in the server's one status vocabulary (base/status.hpp): NotFound and
// AlreadyExists for what a caller asked about, Unavailable for a database that cannot serve now
// (locked, disk full, I/O error, read-only: transient), DataLoss for one it cannot read.
// Threading: plain values; any thread.

#include "base/status.hpp"
