extension CLIPTokenizer {
    /// Byte-pair encodes one word: start from one token per byte (the last one marked `</w>`),
    /// then repeatedly merge every occurrence of the adjacent pair with the lowest merge rank,
    /// until no adjacent pair has a merge.
    func bytePairEncode(_ word: [UInt8]) -> [Int] {
        guard let last = word.last else { return [] }
        var symbols = word.dropLast().map { byteIDs[Int($0)] } + [wordEndByteIDs[Int(last)]]
        while symbols.count > 1 {
            var best: (rank: Int, left: Int, right: Int, merged: Int)?
            for i in 0..<(symbols.count - 1) {
                if let merge = merges[PairKey(symbols[i], symbols[i + 1])], merge.rank < (best?.rank ?? .max) {
                    best = (merge.rank, symbols[i], symbols[i + 1], merge.merged)
                }
            }
            guard let pair = best else { break }
            var merged: [Int] = []
            merged.reserveCapacity(symbols.count)
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count, symbols[i] == pair.left, symbols[i + 1] == pair.right {
                    merged.append(pair.merged)
                    i += 2
                } else {
                    merged.append(symbols[i])
                    i += 1
                }
            }
            symbols = merged
        }
        return symbols
    }
}
