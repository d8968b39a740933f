import Testing
@testable import GridGRPO

@Suite("Grid world rules")
struct EnvironmentTests {
    let world = GridWorld(size: 5, maxSteps: 100)

    @Test func movesFollowTheBlogsActionOrderAndStopAtWalls() {
        // cell 12 is the centre (row 2, column 2)
        #expect(world.move(12, 0) == 7)   // up
        #expect(world.move(12, 1) == 13)  // right
        #expect(world.move(12, 2) == 17)  // down
        #expect(world.move(12, 3) == 11)  // left
        // corners: a move off the grid leaves the agent in place
        #expect(world.move(0, 0) == 0)
        #expect(world.move(0, 3) == 0)
        #expect(world.move(24, 1) == 24)
        #expect(world.move(24, 2) == 24)
        #expect(world.move(4, 1) == 4)
        #expect(world.move(20, 3) == 20)
    }

    @Test func rewardsAreMinusATenthPerMoveAndPlusOneAtTheGoal() {
        let miss = world.step(agent: 12, goal: 0, action: 1)
        #expect(miss.agent == 13 && miss.reward == -0.1 && !miss.reachedGoal)
        let hit = world.step(agent: 1, goal: 0, action: 3)
        #expect(hit.agent == 0 && hit.reward == 1.0 && hit.reachedGoal)
        let bump = world.step(agent: 0, goal: 24, action: 0)
        #expect(bump.agent == 0 && bump.reward == -0.1)
    }

    @Test func optimalReturnMatchesBreadthFirstSearchOverEveryConfiguration() {
        for size in 2...5 {
            let world = GridWorld(size: size, maxSteps: 100)
            for (agent, goal) in world.allConfigurations() {
                // independent shortest path by BFS over the move function
                var distance = [Int](repeating: -1, count: world.cellCount)
                var queue = [agent]
                distance[agent] = 0
                while !queue.isEmpty {
                    let cell = queue.removeFirst()
                    for action in 0..<4 {
                        let next = world.move(cell, action)
                        if distance[next] < 0 { distance[next] = distance[cell] + 1; queue.append(next) }
                    }
                }
                #expect(distance[goal] == world.manhattanDistance(agent, goal))
                let d = Double(distance[goal])
                #expect(abs(Double(world.optimalReturn(distance: distance[goal])) - (1 - 0.1 * (d - 1))) < 1e-5)
            }
        }
    }

    @Test func sixHundredConfigurationsOnFiveByFive() {
        let all = world.allConfigurations()
        #expect(all.count == 600)
        #expect(all.allSatisfy { $0.agent != $0.goal })
        #expect(Set(all.map { $0.agent * 25 + $0.goal }).count == 600)
    }

    @Test func observationIsTwoOneHotPlanesAgentFirst() {
        let observation = world.observation(agent: 3, goal: 7)
        #expect(observation.count == 50)
        #expect(observation[3] == 1 && observation[25 + 7] == 1)
        #expect(observation.reduce(0, +) == 2)
    }

    @Test func startsAreDistinctAndCoverEveryPairEvenly() {
        let small = GridWorld(size: 2, maxSteps: 10)  // 4·3 = 12 configurations
        var counts = [Int](repeating: 0, count: 16)
        for index in 0..<12_000 {
            var stream = RandomStream(seed: 9, stage: .rollout, iteration: 1, index: index)
            let start = small.sampleStart(&stream)
            #expect(start.agent != start.goal)
            counts[start.agent * 4 + start.goal] += 1
        }
        let used = counts.enumerated().filter { $0.offset / 4 != $0.offset % 4 }.map(\.element)
        #expect(used.count == 12)
        // each of 12 cells expects 1000; 5 standard deviations is about ±150
        #expect(used.allSatisfy { abs($0 - 1000) < 150 })
    }

    @Test func renderMatchesTheBlogsTextFrames() {
        #expect(world.render(agent: 12, goal: 8) == """
        . . . . .
        . . . G .
        . . A . .
        . . . . .
        . . . . .
        """)
        #expect(world.render(agent: 8, goal: 8).contains("X"))
    }

    @Test func returnsToGoAreDiscountedBackwardSums() {
        let rewards: [Float] = [-0.1, -0.1, 1.0]
        let g = discountedReturnsToGo(rewards, gamma: 0.5)
        // G2 = 1, G1 = -0.1 + 0.5·1 = 0.4, G0 = -0.1 + 0.5·0.4 = 0.1
        #expect(abs(g[2] - 1.0) < 1e-6 && abs(g[1] - 0.4) < 1e-6 && abs(g[0] - 0.1) < 1e-6)
        #expect(discountedReturnsToGo([], gamma: 0.99).isEmpty)
    }
}
