// libpng reports errors by longjmp, which Swift cannot catch; these two
// functions keep the setjmp inside C and return a status instead.
#ifndef GRIDGRPO_PNG_H
#define GRIDGRPO_PNG_H
#include <stddef.h>
#include <stdint.h>

/// Writes an 8-bit RGB image (rows top to bottom, `width * 3` bytes each) with
/// `text_count` tEXt chunks and no tIME chunk. Returns 0 on success.
int gg_png_write_rgb(const char *path, const uint8_t *rgb, uint32_t width, uint32_t height,
                     const char *const *keys, const char *const *values, int text_count);

/// A decoded PNG: 8-bit RGBA pixels and its text chunks, "key\0value\0" pairs.
typedef struct {
    uint32_t width, height;
    uint8_t *rgba;        /* width * height * 4 bytes, malloc'ed */
    char *text;           /* text_size bytes of key\0value\0 pairs, malloc'ed */
    size_t text_size;
    int text_count;
} gg_png_image;

/// Reads any PNG as 8-bit RGBA. Returns 0 on success; free with gg_png_free.
int gg_png_read_rgba(const char *path, gg_png_image *image);
void gg_png_free(gg_png_image *image);
#endif
