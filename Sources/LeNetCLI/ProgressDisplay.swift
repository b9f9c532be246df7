import Foundation
import LeNet

/// A one-line progress bar on a terminal; nothing when the output is a file or a pipe, where
/// the per-epoch lines are the log.
final class ProgressDisplay {
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private var shown = false

    func update(_ p: TrainingProgress) {
        guard isTerminal else { return }
        let fraction = Double(p.samplesDone) / Double(p.samples), width = 30
        let filled = Int(fraction * Double(width))
        let rate = Double(p.samplesDone) / max(p.seconds, 1e-9)
        let eta = Double(p.samples - p.samplesDone) / max(rate, 1e-9)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "epoch %d/%d [%@] %3.0f%%  %6.0f img/s  loss %.4f  ETA %.0fs",
                          p.epoch, p.epochs, bar, 100 * fraction, rate, p.meanLoss, eta)
        FileHandle.standardOutput.write(Data(("\r" + line + "\u{1B}[K").utf8))
        shown = true
    }

    func clear() {
        guard shown else { return }
        FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}
