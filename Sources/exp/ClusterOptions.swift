import ArgumentParser
import Foundation
import Language
import Tensors

/// `exp run --on slurm [--partition P] [--time T] [--cpus N] [--mem SIZE] [--array-limit N]
/// [--sbatch-arg ARG]... [--wait]`: where a sweep's runs go.
struct ClusterOptions: ParsableArguments {
    @Option(name: .customLong("on"), help: ArgumentHelp("Where a sweep's runs go: local (processes on this machine) or slurm (one Slurm job array, one task per combination).", valueName: "local|slurm"))
    var on: String = "local"

    @Option(help: ArgumentHelp("With --on slurm: the partition to submit to.", valueName: "P"))
    var partition: String?

    @Option(help: ArgumentHelp("With --on slurm: each task's time limit, as Slurm takes it (00:30:00).", valueName: "T"))
    var time: String?

    @Option(help: ArgumentHelp("With --on slurm: cores per task.", valueName: "N"))
    var cpus: Int?

    @Option(help: ArgumentHelp("With --on slurm: memory per task, as Slurm takes it (4G); exp's own limit in the task is 3/4 of it.", valueName: "SIZE"))
    var mem: String?

    @Option(name: .customLong("array-limit"), help: ArgumentHelp("With --on slurm: at most N tasks of the array at once (%N).", valueName: "N"))
    var arrayLimit: Int?

    @Option(name: .customLong("sbatch-arg"), parsing: .unconditionalSingleValue, help: ArgumentHelp("With --on slurm: one more argument for sbatch, e.g. --sbatch-arg --account=myproject (repeatable).", valueName: "ARG"))
    var sbatchArguments: [String] = []

    @Flag(help: "With --on slurm: wait for the job array to end, then continue the script as a local run does.")
    var wait = false

    var onSlurm: Bool { on == "slurm" }

    /// Checks the combination of options; a wrong one is a usage error that says why.
    /// `hasSweep` is whether the script has a sweep statement.
    func validate(jobs: Int?, hasSweep: Bool, file: String) throws {
        func usage(_ message: String) -> Error {
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            return ExitCode(Language.ExitCode.usage.rawValue)
        }
        guard on == "local" || on == "slurm" else { throw usage("--on is local or slurm, not \(on)") }
        guard onSlurm else {
            let given = [partition.map { _ in "--partition" }, time.map { _ in "--time" }, cpus.map { _ in "--cpus" }, mem.map { _ in "--mem" },
                         arrayLimit.map { _ in "--array-limit" }, sbatchArguments.isEmpty ? nil : "--sbatch-arg", wait ? "--wait" : nil].compactMap { $0 }
            if let first = given.first { throw usage("\(first) is an option of --on slurm") }
            return
        }
        guard hasSweep else {
            throw usage("\(file) has no sweep: --on slurm submits a sweep's runs as a Slurm job array; run it without --on slurm")
        }
        if jobs != nil { throw usage("--jobs is for local sweeps; with --on slurm every combination is its own task (--array-limit N bounds how many run at once)") }
        if let n = cpus, n < 1 { throw usage("--cpus must be at least 1, got \(n)") }
        if let n = arrayLimit, n < 1 { throw usage("--array-limit must be at least 1, got \(n)") }
        if let m = mem, Slurm.memoryBytes(m) == nil { throw usage("--mem \(m): give a size as Slurm takes it, such as 4G or 500M") }
        if Slurm.find("sbatch") == nil { throw usage(Slurm.missing("sbatch")) }
    }

    var executorOptions: SlurmExecutor.Options {
        SlurmExecutor.Options(partition: partition, time: time, cpus: cpus, memory: mem, arrayLimit: arrayLimit,
                              sbatchArguments: sbatchArguments, wait: wait)
    }

    /// The tasks' `--max-memory`: 3/4 of `--mem` (the process needs some beyond its tensors),
    /// or a smaller `--max-memory` given to this run; nil leaves exp's default on the node.
    func taskMemoryLimit(maxMemory: String?) -> Int? {
        let fromMem = mem.flatMap(Slurm.memoryBytes).map { $0 / 4 * 3 }
        let given = maxMemory != nil ? MemoryBudget.limit : nil
        switch (fromMem, given) {
        case let (a?, b?): return min(a, b)
        case let (a?, nil): return a
        case let (nil, b?): return b
        case (nil, nil): return nil
        }
    }
}
