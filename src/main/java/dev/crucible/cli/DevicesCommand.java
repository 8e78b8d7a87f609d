package dev.crucible.cli;

import dev.crucible.backend.DeviceCatalog;
import dev.crucible.backend.cuda.CudaProbe;
import dev.crucible.backend.opencl.OpenClDeviceInfo;
import dev.crucible.backend.opencl.OpenClProbe;
import dev.crucible.exec.Sizes;
import jdk.incubator.vector.FloatVector;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code crucible devices}: the engines {@code --device} can name on this machine, one line each (the CPU, every
 * CUDA and OpenCL device, or why there are none), and the one {@code --device auto} would take. The first thing to
 * run when a GPU is not used: a missing driver or an unusable device says why here.
 */
final class DevicesCommand implements Command {
    @Override
    public String name() {
        return "devices";
    }

    @Override
    public String usage() {
        return "";
    }

    @Override
    public String summary() {
        return "list the CPU, CUDA and OpenCL devices --device can use, and what auto picks";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(CommandLine line, PrintStream out) {
        Arguments.positional(line, 0, 0);
        out.printf("cpu: %d threads, Vector API %d-bit preferred species%n", Runtime.getRuntime().availableProcessors(),
                FloatVector.SPECIES_PREFERRED.vectorBitSize());
        CudaProbe.Result cuda = CudaProbe.probe();
        if (!cuda.available()) {
            out.println("cuda: unavailable (" + cuda.unavailable() + ")");
        }
        for (CudaProbe.Gpu g : cuda.devices()) {
            out.printf("%s %s: compute capability %d.%d, %s, driver CUDA %s, module %s%n", g.spec(), g.name(),
                    g.major(), g.minor(), Sizes.human(g.memory()), cuda.driverVersionText(), g.module());
        }
        OpenClProbe.Result opencl = OpenClProbe.probe();
        if (!opencl.available()) {
            out.println("opencl: unavailable (" + opencl.unavailable() + ")");
        }
        for (OpenClDeviceInfo d : opencl.devices()) {
            out.printf("%s %s (%s): %s, %s, max allocation %s, %s%n", d.spec(), d.name(), d.platform(),
                    d.kind().name().toLowerCase(Locale.ROOT), Sizes.human(d.memory()), Sizes.human(d.maxAllocation()),
                    d.usable() ? "usable" : "not usable: " + d.problem());
        }
        DeviceCatalog.AutoOrder auto = DeviceCatalog.autoOrder();
        out.println("auto: " + auto.first() + (auto.candidates().isEmpty() ? " [" + String.join("; ",
                auto.passedOver()) + "]" : ""));
        return 0;
    }
}
