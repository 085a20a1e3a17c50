// A decision that talks to systemd itself: the build must refuse it.
#include "systemd.h"
#include <systemd/sd-bus.h>
