// HDF5's type ids, property-list classes and flags are macros over mutable
// globals (after H5open()), which Swift cannot import. These one-line inline
// functions expose exactly the ones GridGRPO uses.
#ifndef GRIDGRPO_CHDF5_SHIM_H
#define GRIDGRPO_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t gg_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t gg_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t gg_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t gg_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t gg_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t gg_h5t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t gg_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t gg_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t gg_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t gg_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t gg_h5t_std_u8le(void) { return H5T_STD_U8LE; }
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

/// Silences HDF5's own error stack printer: GridGRPO reports errors itself.
static inline void gg_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
#endif
