// HDF5's type ids, property-list classes and flags are macros over mutable
// globals (after H5open()), which Swift cannot import. These one-line inline
// functions expose exactly the ones GridGRPO uses.
#ifndef GRIDGRPO_CHDF5_SHIM_H
#define GRIDGRPO_CHDF5_SHIM_H
// Debian keeps the serial build's headers in their own directory (SwiftPM
// gets no include path here: see Package.swift for why no pkg-config).
#if __has_include("/usr/include/hdf5/serial/hdf5.h")
#include "/usr/include/hdf5/serial/hdf5.h"
#else
#include <hdf5.h>
#endif

#if defined(__GLIBC__)
#include <malloc.h>
#endif

/// glibc: blocks up to 16 MB from the heap instead of mmap, and freed heap
/// never handed back to the kernel while the process runs (a trim threshold
/// of 1 GB), so memory freed is reused without faulting its pages in again
/// (StageBinary.keepFreedMemory). Elsewhere nothing.
static inline void gg_keep_freed_memory(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

static inline hid_t gg_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t gg_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t gg_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t gg_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t gg_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t gg_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t gg_h5t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t gg_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t gg_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t gg_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t gg_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t gg_h5t_std_u8le(void) { return H5T_STD_U8LE; }
static inline hid_t gg_h5t_std_u16le(void) { return H5T_STD_U16LE; }
static inline hid_t gg_h5t_std_i8le(void) { return H5T_STD_I8LE; }
static inline hid_t gg_h5t_c_s1(void) { return H5T_C_S1; }

static inline hid_t gg_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t gg_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t gg_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t gg_h5p_group_create(void) { return H5P_GROUP_CREATE; }
static inline hid_t gg_h5p_dataset_access(void) { return H5P_DATASET_ACCESS; }
static inline hid_t gg_h5p_attribute_create(void) { return H5P_ATTRIBUTE_CREATE; }
static inline hid_t gg_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t gg_h5s_all(void) { return H5S_ALL; }
static inline hsize_t gg_h5s_unlimited(void) { return H5S_UNLIMITED; }

static inline unsigned gg_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned gg_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned gg_h5f_obj_all(void) { return H5F_OBJ_ALL; }

/// Library settings, before any file is opened (cheap to repeat):
/// - HDF5's own error stack printer silenced: GridGRPO reports errors itself.
/// - The "regular" free lists (one per structure type) may keep up to 1 MB
///   each, 2 MB in all, instead of 64 KB and 1 MB. Each open file's metadata
///   cache (`H5C_t`, 0.5 MB, mostly a hash table) is zeroed by `H5C_create`;
///   over 64 KB it was handed back to malloc when its file closed and came
///   back as fresh pages for the next file (a stage reads its inputs, then
///   writes its output): 120 page faults of a 3×3 evaluate's 716. The other
///   lists keep HDF5's defaults (arrays 256 KB / 4 MB, blocks 1 MB / 16 MB).
static inline void gg_h5_configure_library(void) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    H5set_free_list_limits(2 << 20, 1 << 20, 4 << 20, 256 << 10, 16 << 20, 1 << 20);
}

/// The kind of the link `name` in the group `loc` (H5L_TYPE_HARD, H5L_TYPE_SOFT,
/// H5L_TYPE_EXTERNAL, a user-defined type), without following it; -1 on error.
static inline int gg_link_type(hid_t loc, const char *name) {
    H5L_info_t info;
    if (H5Lget_info(loc, name, &info, H5P_DEFAULT) < 0) return -1;
    return (int)info.type;
}
static inline int gg_link_type_hard(void) { return (int)H5L_TYPE_HARD; }
static inline int gg_link_type_soft(void) { return (int)H5L_TYPE_SOFT; }
static inline int gg_link_type_external(void) { return (int)H5L_TYPE_EXTERNAL; }

/// The address of an open object in its file (unique within the file: two
/// hard links to one object give the same address); 0 with ok = 0 on error.
static inline unsigned long long gg_object_address(hid_t object, int *ok) {
    H5O_info_t info;
    if (H5Oget_info2(object, &info, H5O_INFO_BASIC) < 0) { *ok = 0; return 0; }
    *ok = 1;
    return (unsigned long long)info.addr;
}

/// 1 when a dataset's raw data is stored inside its own file (contiguous,
/// chunked or compact, no external raw-data files), 0 when it lives elsewhere
/// (external storage, a virtual dataset mapping other files), -1 on error.
static inline int gg_dataset_data_is_internal(hid_t dataset) {
    hid_t dcpl = H5Dget_create_plist(dataset);
    if (dcpl < 0) return -1;
    H5D_layout_t layout = H5Pget_layout(dcpl);
    int external = H5Pget_external_count(dcpl);
    H5Pclose(dcpl);
    if (layout < 0 || external < 0) return -1;
    return (layout == H5D_CONTIGUOUS || layout == H5D_CHUNKED || layout == H5D_COMPACT) && external == 0;
}
#endif
