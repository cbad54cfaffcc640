namespace NanoLibNet
{
    /// <summary>Makes <see cref="NetAdapter.Default"/> a <see cref="SocketAdapter"/> in builds that have System.Net.</summary>
    public abstract partial class NetAdapter
    {
        static partial void CreateDefault(ref NetAdapter adapter)
        {
            adapter = new SocketAdapter();
        }
    }
}
