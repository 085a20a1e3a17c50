// A decision that writes to the journal itself: the build must refuse it.
#include <systemd/sd-journal.h>
#include "journal_sink.h"
