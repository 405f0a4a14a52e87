// recur: the command-line tool. Commands arrive with issue 3; this stub reports the engine in use.
Console.WriteLine($"recur {typeof(Recur.Tensor).Assembly.GetName().Version} — GEMM kernel: {Recur.Kernels.Gemm.Describe()}");
return 0;
