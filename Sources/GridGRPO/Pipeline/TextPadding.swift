extension String {
    /// The text followed by spaces up to `width` characters, or unchanged if
    /// it is that long already (never cut, unlike Foundation's
    /// `padding(toLength:withPad:startingAt:)`, which also costs a bridge to
    /// NSString in every stage's summary line).
    func padded(to width: Int) -> String {
        let length = count
        return length >= width ? self : self + String(repeating: " ", count: width - length)
    }
}
