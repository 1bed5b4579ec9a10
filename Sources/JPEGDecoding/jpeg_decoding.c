// JPEG decoding through libjpeg. libjpeg reports errors by calling error_exit, which must not
// return; here it longjmps back into hediff_jpeg_decode, which cleans up and returns -1, so that
// no jump ever unwinds Swift frames. Warnings (recoverable damage) are refused too.
#include "jpeg_decoding.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

struct hediff_error_manager {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    char message[JMSG_LENGTH_MAX];
};

static void hediff_error_exit(j_common_ptr info) {
    struct hediff_error_manager *manager = (struct hediff_error_manager *)info->err;
    (*info->err->format_message)(info, manager->message);
    longjmp(manager->escape, 1);
}

// libjpeg calls this for warnings (corrupt but recoverable data, e.g. a truncated file it pads with
// gray): keep the first one as the error to report, print nothing.
static void hediff_output_message(j_common_ptr info) {
    struct hediff_error_manager *manager = (struct hediff_error_manager *)info->err;
    if (manager->message[0] == '\0') (*info->err->format_message)(info, manager->message);
}

static void set_error(char *error, size_t error_size, const char *message) {
    if (error_size == 0) return;
    snprintf(error, error_size, "%s", message);
}

int hediff_jpeg_decode(const unsigned char *data, size_t size, size_t max_pixels,
                       unsigned char **pixels, int *width, int *height,
                       char *error, size_t error_size) {
    struct jpeg_decompress_struct info;
    struct hediff_error_manager manager;
    unsigned char *volatile buffer = NULL;
    *pixels = NULL;
    info.err = jpeg_std_error(&manager.base);
    manager.base.error_exit = hediff_error_exit;
    manager.base.output_message = hediff_output_message;
    manager.message[0] = '\0';
    if (setjmp(manager.escape)) {
        set_error(error, error_size, manager.message);
        jpeg_destroy_decompress(&info);
        free(buffer);
        return -1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    if ((size_t)info.image_width * (size_t)info.image_height > max_pixels) {
        snprintf(error, error_size, "%ux%u pixels is larger than the %zu allowed", info.image_width, info.image_height, max_pixels);
        *width = (int)info.image_width;
        *height = (int)info.image_height;
        jpeg_destroy_decompress(&info);
        return -2;
    }
    if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
        set_error(error, error_size, "CMYK JPEGs are not supported; convert the image to RGB");
        jpeg_destroy_decompress(&info);
        return -1;
    }
    info.out_color_space = JCS_RGB;
    jpeg_start_decompress(&info);
    size_t row = (size_t)info.output_width * 3;
    buffer = malloc(row * info.output_height);
    if (buffer == NULL) {
        set_error(error, error_size, "out of memory");
        jpeg_destroy_decompress(&info);
        return -1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW line = buffer + row * info.output_scanline;
        jpeg_read_scanlines(&info, &line, 1);
    }
    jpeg_finish_decompress(&info);
    if (manager.base.num_warnings > 0) {
        // A damaged file decodes to a made-up image; refuse it rather than denoise garbage.
        set_error(error, error_size, manager.message);
        jpeg_destroy_decompress(&info);
        free(buffer);
        return -1;
    }
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    *pixels = buffer;
    jpeg_destroy_decompress(&info);
    return 0;
}

void hediff_jpeg_free(unsigned char *pixels) { free(pixels); }
