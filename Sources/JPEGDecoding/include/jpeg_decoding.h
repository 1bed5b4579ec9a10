// JPEG decoding through the system's libjpeg (libjpeg-turbo on Debian), wrapped so that libjpeg's
// longjmp-based error handling never crosses into Swift.
#ifndef HEDIFF_JPEG_DECODING_H
#define HEDIFF_JPEG_DECODING_H

#include <stddef.h>

// Decodes `size` bytes of a JPEG file into 8-bit RGB, row-major, 3 bytes per pixel. Images of
// more than `max_pixels` pixels are refused from the header, before any decoding.
// Returns 0 and sets *pixels (free with hediff_jpeg_free), *width and *height on success; returns
// -2 with *width and *height set for an image over `max_pixels`, and -1 otherwise, writing a
// NUL-terminated reason into `error` (at most `error_size` bytes) on either failure.
int hediff_jpeg_decode(const unsigned char *data, size_t size, size_t max_pixels,
                       unsigned char **pixels, int *width, int *height,
                       char *error, size_t error_size);

// Frees pixels returned by hediff_jpeg_decode.
void hediff_jpeg_free(unsigned char *pixels);

#endif
