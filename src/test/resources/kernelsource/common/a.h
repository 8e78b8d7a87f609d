#include "b.h"
a
