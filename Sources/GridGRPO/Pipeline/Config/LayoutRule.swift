extension PipelineConfig {
    /// The layout rule (`rules`): a map exactly with `layout: map`, of the
    /// grid's size; a size each seed-drawn layout is defined for; and at
    /// least one start configuration. `world` builds the world only once the
    /// keys it depends on are known to be consistent.
    static func checkLayout(_ environment: EnvironmentConfig, world: () -> GridWorld) throws {
        let layout = environment.layout, size = environment.gridSize, map = environment.map
        if layout == .map {
            guard !map.isEmpty else {
                throw GridGRPOError("key 'environment.layout' is map, but environment.map is missing (allowed: \(size) rows of \(size) cells, '.' floor, '#' wall, '~' lava)")
            }
            guard map.size == size else {
                throw GridGRPOError("key 'environment.map' has \(map.size) rows of \(map.size) cells, but environment.grid_size is \(size) (allowed: grid_size \(map.size), or a \(size)×\(size) map)")
            }
        } else if !map.isEmpty {
            throw GridGRPOError("key 'environment.map' is given, but environment.layout is \(layout.rawValue) (allowed: layout map, or no map)")
        }
        let requirement = layout.sizeRequirement
        guard requirement.check(size) else {
            throw GridGRPOError("key 'environment.grid_size' is \(size), but layout \(layout.rawValue) needs a size \(requirement.text)")
        }
        guard world().configurationCount > 0 else {
            throw GridGRPOError("key 'environment.map' has no two floor cells connected by moves, so no start configuration (allowed: at least two connected '.' cells)")
        }
    }
}
