// A decision that writes to the journal itself: the build must refuse it.
#include "journal.h"
#include <systemd/sd-journal.h>
