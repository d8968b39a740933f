#include "gg_format.h"

#include <stdio.h>

int gg_format_doubles(char *buffer, size_t size, const char *format, const double *values, int count) {
    switch (count) {
    case 1: return snprintf(buffer, size, format, values[0]);
    case 2: return snprintf(buffer, size, format, values[0], values[1]);
    case 3: return snprintf(buffer, size, format, values[0], values[1], values[2]);
    case 4: return snprintf(buffer, size, format, values[0], values[1], values[2], values[3]);
    default: return -1;
    }
}
