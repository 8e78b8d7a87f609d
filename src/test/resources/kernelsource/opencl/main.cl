// main
#include "../common/a.h"
  #  include "local.h"
#include "../common/b.h"
kernel main
