"""PyTorch's BLAS in the benchmarks. Debian's torch calls whichever libblas.so.3 the system's alternatives
name (reference BLAS unless libopenblas0-pthread is installed), and torch.set_num_threads does not reach
OpenBLAS's own thread pool, which starts as wide as the machine. use_openblas checks the one and sets the other.
"""
import ctypes
import sys


def use_openblas(threads):
    """Exits with what to install unless the loaded torch runs on OpenBLAS; gives OpenBLAS `threads`
    threads (as torch.set_num_threads gives torch's own kernels). Returns the library's path."""
    with open('/proc/self/maps') as f:
        libs = {line.split()[-1] for line in f if 'blas' in line.rsplit('/', 1)[-1]}
    openblas = sorted(p for p in libs if p.rsplit('/', 1)[-1].startswith('libopenblas'))
    # torch's sgemm comes from libblas.so.3, which must be OpenBLAS's, not .../blas/libblas.so.3 (reference
    # BLAS); libtorch_cpu also links libopenblas.so.0 itself, so OpenBLAS being loaded proves nothing alone.
    if not openblas or any('openblas' not in p for p in libs if p.rsplit('/', 1)[-1].startswith('libblas.so')):
        sys.exit(f"torch is not running on OpenBLAS (BLAS loaded: {', '.join(sorted(libs)) or 'none'}); "
                 "apt-get install -y libopenblas0-pthread and check that update-alternatives --display "
                 "libblas.so.3-x86_64-linux-gnu names it; on another BLAS the timings compare nothing")
    lib = ctypes.CDLL(openblas[0])
    lib.openblas_set_num_threads(threads)
    if lib.openblas_get_num_threads() != threads:
        sys.exit(f'{openblas[0]} did not take {threads} threads')
    return openblas[0]
