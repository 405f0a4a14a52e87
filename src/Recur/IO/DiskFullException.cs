// A write that failed because the disk (or the user's quota) is full. .NET's own message names the hidden
// temporary file AtomicFile writes first ("No space left on device : '.model.safetensors.1f….tmp'"); this one
// names the file being written and says what to do. Nothing is left behind: the temporary file is deleted and
// the old file, if any, is untouched.
namespace Recur.IO;

/// <summary>Writing <see cref="Path"/> failed for want of space; the old file, if any, is as it was.</summary>
public sealed class DiskFullException(string path, Exception inner)
    : IOException($"{PathText.Show(path)}: no space left on the device (or over the disk quota); free some space and try again", inner)
{
    /// <summary>The file that could not be written.</summary>
    public string Path { get; } = path;

    /// <summary>
    /// True for a disk that is full: ENOSPC (28) or EDQUOT (122 on Linux, 69 on macOS) as .NET's IOException HResult on
    /// Unix; ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL on Windows.
    /// </summary>
    internal static bool Is(Exception e) => e is IOException and not DiskFullException
        && (OperatingSystem.IsWindows()
            ? (uint)e.HResult is 0x80070070 or 0x80070027
            : e.HResult == 28 || e.HResult == (OperatingSystem.IsMacOS() ? 69 : 122));
}
