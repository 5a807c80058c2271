/*
 * A minimal HotSpot disassembler plug-in (hsdis) over Capstone, for instruction-level profiles on machines whose
 * packaged hsdis does not load (Debian's libhsdis0-fcml exports only the pre-JDK-13 entry point, so JDK 17 prints
 * raw bytes). Implements the one entry point HotSpot calls, decode_instructions_virtual: one line per instruction,
 * with the "insn" events HotSpot uses to interleave its own comments. x86-64 only. A development tool, not part of
 * Shoal's build; see docs/benchmarks.md ("Instruction-level profiles") for how to build and use it.
 */
#include <stdint.h>
#include <capstone/capstone.h>

typedef void* (*hsdis_event_callback)(void* stream, const char* event, void* arg);
typedef int (*hsdis_printf_callback)(void* stream, const char* format, ...);

void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer, uintptr_t length,
    hsdis_event_callback event, void* event_stream, hsdis_printf_callback print, void* print_stream,
    const char* options, int newline)
{
    csh handle;
    cs_insn* insns;
    uintptr_t end = start_va;
    (void)end_va;
    (void)options;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK)
    {
        return (void*)start_va;
    }
    const size_t count = cs_disasm(handle, buffer, length, start_va, 0, &insns);
    for (size_t i = 0; i < count; i++)
    {
        event(event_stream, "insn", (void*)(uintptr_t)insns[i].address);
        print(print_stream, "%-8s%s", insns[i].mnemonic, insns[i].op_str);
        end = insns[i].address + insns[i].size;
        event(event_stream, "/insn", (void*)end);
        if (newline)
        {
            print(print_stream, "\n");
        }
    }
    if (count > 0)
    {
        cs_free(insns, count);
    }
    cs_close(&handle);
    return (void*)end;
}
