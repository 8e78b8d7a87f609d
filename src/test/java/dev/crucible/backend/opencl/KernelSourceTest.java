package dev.crucible.backend.opencl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Include expansion of OpenCL sources read from the classpath. */
class KernelSourceTest {
    @Test
    void expandsIncludesRelativeToTheIncludingFileOnceEach() {
        String text = KernelSource.load("kernelsource/opencl/main.cl");
        assertEquals("""
                #line 1 "kernelsource/opencl/main.cl"
                // main
                #line 1 "kernelsource/common/a.h"
                #line 1 "kernelsource/common/b.h"
                b
                #line 2 "kernelsource/common/a.h"
                a
                #line 3 "kernelsource/opencl/main.cl"
                #line 1 "kernelsource/opencl/local.h"
                local
                #line 4 "kernelsource/opencl/main.cl"
                #line 5 "kernelsource/opencl/main.cl"
                kernel main
                """, text);
    }

    @Test
    void aMissingIncludeNamesTheFileAndWhereItWasIncluded() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KernelSource.load("kernelsource/opencl/broken.cl"));
        assertEquals("kernel source kernelsource/opencl/missing.h is not on the classpath (included from"
                + " kernelsource/opencl/broken.cl line 2)", e.getMessage());
    }

    @Test
    void aMissingRootIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelSource.load("nope/x.cl"));
        assertTrue(e.getMessage().contains("nope/x.cl is not on the classpath"), e.getMessage());
    }

    @Test
    void resolvesParentAndCurrentFolders() {
        assertEquals("kernels/common/numbers.h", KernelSource.resolve("kernels/opencl/crucible.cl",
                "../common/numbers.h"));
        assertEquals("kernels/opencl/x.h", KernelSource.resolve("kernels/opencl/crucible.cl", "./x.h"));
        assertThrows(IllegalStateException.class, () -> KernelSource.resolve("a.cl", "../x.h"));
    }

    @Test
    void theShippedOpenClProgramExpandsWithoutIncludesLeft() {
        String text = KernelSource.load(OpenClProgram.SOURCE);
        assertTrue(text.contains("#pragma OPENCL FP_CONTRACT OFF"));
        assertTrue(text.lines().noneMatch(l -> l.strip().startsWith("#include")), text);
    }
}
