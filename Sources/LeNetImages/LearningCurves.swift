import LeNet

/// Train and test error per pass, as Fig. 5 of the paper draws LeNet-5's: one pair of lines
/// per model. The train error is the running error measured during the pass (the weights
/// changed meanwhile), so it sits a little above the error after the pass.
public enum LearningCurves {
    public static func plot(_ runs: [(model: String, history: [EpochRecord])]) -> Canvas {
        let series = runs.flatMap { run in [
            LinePlot.Series(name: "\(run.model) TEST", points: run.history.map { (Double($0.epoch), $0.testError) }),
            LinePlot.Series(name: "\(run.model) TRAIN", points: run.history.map { (Double($0.epoch), $0.trainError) }),
        ] }
        let epochs = runs.map { $0.history.map(\.epoch).max() ?? 1 }.max() ?? 1
        let ticks = stride(from: 1, through: epochs, by: max(1, epochs / 10)).map(Double.init)
        return LinePlot(title: "ERROR DURING TRAINING", xLabel: "TRAINING PASS (EPOCH)", yLabel: "ERROR %",
                        series: series, xTicks: ticks).render(width: 720, height: 440)
    }
}
