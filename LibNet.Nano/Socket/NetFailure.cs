using System;

namespace NanoLibNet
{
    /// <summary>A failure an adapter raises itself, carrying its <see cref="NetError"/> code.</summary>
    internal sealed class NetFailure : Exception
    {
        internal readonly int Code;

        internal NetFailure(int code, string message)
            : base(message)
        {
            Code = code;
        }
    }
}
