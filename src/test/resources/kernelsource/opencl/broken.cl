first
#include "./missing.h"
