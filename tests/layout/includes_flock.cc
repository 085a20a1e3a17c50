// A decision that takes a lock itself: the build must refuse it.
#include "locks.h"
#include <sys/file.h>
