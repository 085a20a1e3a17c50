// A decision that runs a program itself: the build must refuse it.
#include "process_runner.h"
#include <spawn.h>
