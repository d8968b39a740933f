// Cairo's C API imports into Swift as it is; this header only pulls it in.
#ifndef GRIDGRPO_CCAIRO_SHIM_H
#define GRIDGRPO_CCAIRO_SHIM_H
#include <cairo.h>
#endif
