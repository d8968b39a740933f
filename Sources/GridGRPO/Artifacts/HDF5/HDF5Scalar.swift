import CHDF5

/// Element types GridGRPO stores in HDF5 datasets and attributes, each mapped
/// to a fixed little-endian file type so files are identical on every machine.
public protocol HDF5Scalar: Numeric {
    static var memoryType: hid_t { get }
    static var fileType: hid_t { get }
    static var typeName: String { get }
    static var typeClass: H5T_class_t { get }
    static var isSigned: Bool { get }
}

extension Float: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_float() }
    public static var fileType: hid_t { gg_h5t_ieee_f32le() }
    public static var typeName: String { "float32" }
    public static var typeClass: H5T_class_t { H5T_FLOAT }
    public static var isSigned: Bool { true }
}
extension Double: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_double() }
    public static var fileType: hid_t { gg_h5t_ieee_f64le() }
    public static var typeName: String { "float64" }
    public static var typeClass: H5T_class_t { H5T_FLOAT }
    public static var isSigned: Bool { true }
}
extension Int32: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_int32() }
    public static var fileType: hid_t { gg_h5t_std_i32le() }
    public static var typeName: String { "int32" }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var isSigned: Bool { true }
}
extension Int64: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_int64() }
    public static var fileType: hid_t { gg_h5t_std_i64le() }
    public static var typeName: String { "int64" }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var isSigned: Bool { true }
}
extension UInt8: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_uint8() }
    public static var fileType: hid_t { gg_h5t_std_u8le() }
    public static var typeName: String { "uint8" }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var isSigned: Bool { false }
}
extension UInt16: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_uint16() }
    public static var fileType: hid_t { gg_h5t_std_u16le() }
    public static var typeName: String { "uint16" }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var isSigned: Bool { false }
}
extension Int8: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_int8() }
    public static var fileType: hid_t { gg_h5t_std_i8le() }
    public static var typeName: String { "int8" }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var isSigned: Bool { true }
}
