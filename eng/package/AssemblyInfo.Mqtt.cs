using System.Reflection;
using System.Runtime.CompilerServices;

// Assembly identity of the nano build of the MQTT client (LibNet.Nano.Mqtt/nf/LibNet.Nano.Mqtt.nfproj
// links this file in). The host build generates its own attributes, which is why this file lives
// outside LibNet.Nano.Mqtt/, whose *.cs the host build compiles.
[assembly: AssemblyTitle("LibNet.Nano.Mqtt")]
[assembly: AssemblyDescription("MQTT 3.1.1 client on LibNet.Nano for .NET nanoFramework: blocking calls with deadlines, no thread of its own")]
[assembly: AssemblyCompany("LibNet.Nano contributors")]
[assembly: AssemblyProduct("LibNet.Nano")]
[assembly: AssemblyCopyright("Copyright (c) LibNet.Nano contributors")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
[assembly: AssemblyInformationalVersion("0.1.0")]

// The on-device test suite (LibNet.Nano.Tests.Device; nanoFramework's test launcher loads a test
// assembly by the name NFUnitTest) checks the client's own UTF-8 and its byte-level topic match on
// the nanoCLR, as the host build lets LibNet.Nano.Mqtt.Tests do (LibNet.Nano.Mqtt.csproj).
[assembly: InternalsVisibleTo("NFUnitTest")]
