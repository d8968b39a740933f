import Foundation
import Testing
@testable import GridGRPO

/// The `environment` keys of the layouts: strict reading, one-line errors
/// naming the key (and a map's row and column), the rules across keys, and
/// the canonical JSON (new keys left out at their defaults).
@Suite("Layout config keys")
struct LayoutConfigTests {
    func error(_ yaml: String) -> String {
        do {
            _ = try PipelineConfig.parse(yaml, source: "test.yaml")
            return "(no error)"
        } catch let error as GridGRPOError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    static let blockMap = """
    seed: 2
    environment:
      grid_size: 4
      layout: map
      map: |
        ..#.
        .~..
        ....
        #...

    """

    @Test func aMapReadsFromABlockStringOrAListAndRoundTrips() throws {
        let block = try PipelineConfig.parse(Self.blockMap)
        let list = try PipelineConfig.parse("seed: 2\nenvironment: {grid_size: 4, layout: map, map: ['..#.', '  .~..', '....', '#...']}\n")
        #expect(block == list)
        #expect(block.environment.map.rows == ["..#.", ".~..", "....", "#..."])
        let world = block.world
        #expect(world.map == block.environment.map)
        #expect(world.kinds[2] == .wall && world.kinds[5] == .lava && world.kinds[12] == .wall)
        // The canonical JSON writes the map as a list of rows and reads back to the same config.
        #expect(block.canonicalJSON.contains("\"layout\":\"map\"") && block.canonicalJSON.contains("\"map\":[\"..#.\",\".~..\",\"....\",\"#...\"]"))
        #expect(try PipelineConfig.parse(block.canonicalJSON) == block)
        // A map written from the world's cells is the same map.
        let again = try GridMap(lines: world.map.rows, key: "k")
        #expect(again == block.environment.map)
    }

    @Test func newKeysAtTheirDefaultsAreLeftOutOfTheCanonicalJSON() throws {
        let open = try PipelineConfig.parse("environment: {grid_size: 5, layout: open, lava_penalty: -1}\n")
        #expect(open.canonicalJSON == PipelineConfig().canonicalJSON)
        #expect(!open.canonicalJSON.contains("layout") && !open.canonicalJSON.contains("lava_penalty") && !open.canonicalJSON.contains("map"))
        let lava = try PipelineConfig.parse("environment: {grid_size: 5, layout: lava_gap, lava_penalty: -2}\n")
        #expect(lava.canonicalJSON.contains("\"layout\":\"lava_gap\"") && lava.canonicalJSON.contains("\"lava_penalty\":-2"))
        #expect(lava.digest != open.digest)
        #expect(try PipelineConfig.parse(lava.canonicalJSON) == lava)
    }

    @Test func mapErrorsAreOneLineNamingTheKeyRowAndColumn() {
        let head = "environment:\n  grid_size: 3\n  layout: map\n  map: "
        #expect(error(head + "['#.#', '.x.', '...']\n") == "test.yaml: key 'environment.map' row 2, column 2 is 'x' (allowed: '.' floor, '#' wall, '~' lava)")
        #expect(error(head + "['#.#', '. .', '...']\n") == "test.yaml: key 'environment.map' row 2, column 2 is ' ' (allowed: '.' floor, '#' wall, '~' lava)")
        #expect(error(head + "['#.#', '....', '...']\n") == "test.yaml: key 'environment.map' row 2 has 4 cells, but row 1 has 3 (a map is N rows of N cells)")
        #expect(error(head + "['###', '...']\n") == "test.yaml: key 'environment.map' has 2 rows of 3 cells (a map is square: N rows of N cells)")
        #expect(error(head + "{row: '...'}\n") == "test.yaml: key 'environment.map' must be a string of rows or a list of strings, one per row ('.' floor, '#' wall, '~' lava)")
        #expect(error(head + "'...'\n") == "test.yaml: key 'environment.map' has 1 row(s), outside the allowed sizes 2...32")
        #expect(error(head + "['..', '..']\n") == "test.yaml: key 'environment.map' has 2 rows of 2 cells, but environment.grid_size is 3 (allowed: grid_size 2, or a 3×3 map)")
        #expect(error(head + "['#.#', '#~#', '#.#']\n") == "test.yaml: key 'environment.map' has no two floor cells connected by moves, so no start configuration (allowed: at least two connected '.' cells)")
        #expect(error("environment: {layout: map}\n") == "test.yaml: key 'environment.layout' is map, but environment.map is missing (allowed: 5 rows of 5 cells, '.' floor, '#' wall, '~' lava)")
        #expect(error("environment: {map: ['..', '..'], grid_size: 2}\n") == "test.yaml: key 'environment.map' is given, but environment.layout is open (allowed: layout map, or no map)")
        for yaml in [head + "['#.#', '.x.', '...']\n", "environment: {layout: mazes}\n", "environment: {lava_penalty: 1}\n"] {
            #expect(!error(yaml).contains("\n"))
        }
    }

    @Test func layoutSizesAndPenaltiesAreChecked() {
        #expect(error("environment: {layout: mazes}\n") == "test.yaml: key 'environment.layout' is 'mazes' (allowed: open, four_rooms, maze, lava_gap, map)")
        #expect(error("environment: {layout: maze, grid_size: 4}\n") == "test.yaml: key 'environment.grid_size' is 4, but layout maze needs a size at least 5 (maze cells on even rows and columns; an even size leaves the last row and column wall)")
        #expect(error("environment: {layout: maze, grid_size: 32}\n") == "(no error)")
        #expect(error("environment: {layout: four_rooms, grid_size: 4}\n") == "test.yaml: key 'environment.grid_size' is 4, but layout four_rooms needs a size at least 5 (two walls, rooms of at least 2×2)")
        #expect(error("environment: {layout: lava_gap, grid_size: 2}\n") == "test.yaml: key 'environment.grid_size' is 2, but layout lava_gap needs a size at least 3 (a lava column with floor on both sides)")
        #expect(error("environment: {lava_penalty: 1}\n") == "test.yaml: key 'environment.lava_penalty' is 1.0, outside the allowed range -100.0...0.0")
        #expect(error("environment: {grid_size: 33}\n") == "test.yaml: key 'environment.grid_size' is 33, outside the allowed range 2...32")
        #expect(error("environment: {layout: maze, grid_size: 31}\n") == "(no error)")
        #expect(error("environment: {layout: four_rooms, grid_size: 32}\n") == "(no error)")
    }

    /// The evaluation-work rule counts the layout's own configurations.
    @Test func theWorkRuleCountsTheLayoutsConfigurations() throws {
        let maze = try PipelineConfig.parse("environment: {layout: maze, grid_size: 31, max_steps: 7000}\n")
        #expect(maze.world.configurationCount == 511 * 510)
        #expect(error("environment: {grid_size: 31, max_steps: 7000}\n").contains("an evaluation of 922660 episodes"))
    }

    @Test func seedDrawnLayoutsFollowTheSeed() throws {
        let a = try PipelineConfig.parse("seed: 1\nenvironment: {layout: four_rooms, grid_size: 11}\n").world
        let b = try PipelineConfig.parse("seed: 1\nenvironment: {layout: four_rooms, grid_size: 11}\niterations: 3\n").world
        #expect(a == b)
        let seeds = (0..<6).map { try? PipelineConfig.parse("seed: \($0)\nenvironment: {layout: maze, grid_size: 9}\n").world.kinds }
        #expect(Set(seeds.compactMap { $0 }).count == 6)
        var stream = LayoutGenerator.stream(seed: 1)
        #expect(try PipelineConfig.parse("seed: 1\nenvironment: {layout: maze, grid_size: 9}\n").world.kinds
                == LayoutGenerator.maze(size: 9, random: &stream))
    }
}
