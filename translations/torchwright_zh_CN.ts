<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Message</name>
    <message>
        <source>%1: cannot open: %2</source>
        <translation>%1：无法打开：%2</translation>
    </message>
    <message>
        <source>%1: cannot read: not a regular file</source>
        <translation>%1：无法读取：不是普通文件</translation>
    </message>
    <message>
        <source>%1: %2 bytes, more than the %3 this program reads</source>
        <translation>%1：%2 字节，超过了本程序可读取的 %3 字节</translation>
    </message>
    <message>
        <source>%1: cannot read: %2</source>
        <translation>%1：无法读取：%2</translation>
    </message>
    <message>
        <source>%1: cannot read: the file shrank while read</source>
        <translation>%1：无法读取：文件在读取时变小了</translation>
    </message>
    <message>
        <source>%1: not a .npy file (no NUMPY magic)</source>
        <translation>%1：不是 .npy 文件（没有 NUMPY 魔数）</translation>
    </message>
    <message>
        <source>%1: truncated .npy header</source>
        <translation>%1：.npy 文件头被截断</translation>
    </message>
    <message>
        <source>%1: .npy header has no &apos;%2&apos;</source>
        <translation>%1：.npy 文件头中没有 &apos;%2&apos;</translation>
    </message>
    <message>
        <source>%1: Fortran-ordered arrays are not supported; save with C order</source>
        <translation>%1：不支持 Fortran 顺序的数组；请以 C 顺序保存</translation>
    </message>
    <message>
        <source>%1: the .npy header&apos;s shape (%2) has &apos;%3&apos;, not a size; expected whole numbers</source>
        <translation>%1：.npy 文件头中的形状（%2）含有 &apos;%3&apos;，它不是尺寸；应为整数</translation>
    </message>
    <message>
        <source>%1: the .npy header&apos;s shape (%2) has %3 elements in %4 dimensions; at most %5 in %6 are supported</source>
        <translation>%1：.npy 文件头中的形状（%2）在 %4 个维度中有 %3 个元素；最多支持 %6 个维度中的 %5 个元素</translation>
    </message>
    <message>
        <source>%1: element type &apos;%2&apos; is not supported (uint8, int64, float32, float64 are)</source>
        <translation>%1：不支持元素类型 &apos;%2&apos;（支持 uint8、int64、float32、float64）</translation>
    </message>
    <message>
        <source>%1: truncated: the header declares %2 bytes of data, the file has %3</source>
        <translation>%1：文件被截断：文件头声明了 %2 字节的数据，文件中只有 %3 字节</translation>
    </message>
    <message>
        <source>%1: /files names &apos;%2&apos;; bundle files must be relative paths inside the bundle folder, without &apos;..&apos;</source>
        <translation>%1：/files 列出了 &apos;%2&apos;；部署包文件必须是部署包文件夹内的相对路径，且不含 &apos;..&apos;</translation>
    </message>
    <message>
        <source>%1: missing from the bundle (listed in %2 /files)</source>
        <translation>%1：部署包中缺少此文件（列于 %2 /files）</translation>
    </message>
    <message>
        <source>%1: /files names &apos;%2&apos;, which leads outside the bundle folder</source>
        <translation>%1：/files 列出的 &apos;%2&apos; 指向部署包文件夹之外</translation>
    </message>
    <message>
        <source>%1: cannot serialise the checkpoint: %2</source>
        <translation>%1：无法序列化检查点：%2</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a number; the checkpoint is damaged</source>
        <translation>%1：&apos;%2&apos; 不是数值；检查点已损坏</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not an integer; the checkpoint is damaged</source>
        <translation>%1：&apos;%2&apos; 不是整数；检查点已损坏</translation>
    </message>
    <message>
        <source>%1: file not found (also looked for %2.gz)</source>
        <translation>%1：找不到文件（也查找了 %2.gz）</translation>
    </message>
    <message>
        <source>%1: the gzip data is damaged (%2)</source>
        <translation>%1：gzip 数据已损坏（%2）</translation>
    </message>
    <message>
        <source>%1: the gzip stream is truncated or damaged (%2)</source>
        <translation>%1：gzip 数据流被截断或已损坏（%2）</translation>
    </message>
    <message>
        <source>%1: the gzip stream is truncated or damaged</source>
        <translation>%1：gzip 数据流被截断或已损坏</translation>
    </message>
    <message>
        <source>%1: truncated: the 4-byte IDX header is missing (the file holds %2 bytes)</source>
        <translation>%1：已截断：缺少 4 字节的 IDX 文件头（文件只有 %2 字节）</translation>
    </message>
    <message>
        <source>%1: wrong magic number 0x%2: not an IDX file (expected 0x000008NN for unsigned bytes in NN dimensions)</source>
        <translation>%1：魔数 0x%2 不正确：不是 IDX 文件（无符号字节、NN 维的文件应为 0x000008NN）</translation>
    </message>
    <message>
        <source>%1: IDX element type 0x%2 is not supported; only unsigned bytes (0x08) are</source>
        <translation>%1：不支持 IDX 元素类型 0x%2；只支持无符号字节（0x08）</translation>
    </message>
    <message>
        <source>%1: truncated: the header needs %2 bytes, the file has %3</source>
        <translation>%1：已截断：文件头需要 %2 字节，文件只有 %3 字节</translation>
    </message>
    <message>
        <source>%1: the header declares %2, %3 elements; at most %4 are supported</source>
        <translation>%1：文件头声明了 %2，共 %3 个元素；最多支持 %4 个</translation>
    </message>
    <message>
        <source>%1: the header declares %2 of data, but only %3 is available (%4)</source>
        <translation>%1：文件头声明了 %2 的数据，但只有 %3 可用（%4）</translation>
    </message>
    <message>
        <source>%1: truncated: expected %2 bytes of data after the header, found %3</source>
        <translation>%1：已截断：文件头之后应有 %2 字节的数据，实际为 %3 字节</translation>
    </message>
    <message>
        <source>%1: unexpected bytes after the %2 bytes of data the header declares</source>
        <translation>%1：在文件头声明的 %2 字节数据之后还有多余的字节</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>layer &apos;%1&apos; (%2) cannot be exported to TorchScript</source>
        <translation>层 &apos;%1&apos;（%2）无法导出为 TorchScript</translation>
    </message>
    <message>
        <source>not valid JSON: %1</source>
        <translation>不是有效的 JSON：%1</translation>
    </message>
    <message>
        <source>%1: not a run folder</source>
        <translation>%1：不是运行文件夹</translation>
    </message>
    <message>
        <source>%1: not a run folder (neither run.json nor project.json); not moved</source>
        <translation>%1：不是运行文件夹（既没有 run.json 也没有 project.json）；未移动</translation>
    </message>
    <message>
        <source>%1: the run is in the trash already</source>
        <translation>%1：该运行已在回收站中</translation>
    </message>
    <message>
        <source>%1: cannot create the trash folder: %2</source>
        <translation>%1：无法创建回收站文件夹：%2</translation>
    </message>
    <message>
        <source>%1: cannot move it to %2: %3</source>
        <translation>%1：无法将其移动到 %2：%3</translation>
    </message>
    <message>
        <source>%1: no such folder in the trash</source>
        <translation>%1：回收站中没有这个文件夹</translation>
    </message>
    <message>
        <source>%1: not in a runs trash folder (runs/%2/)</source>
        <translation>%1：不在运行的回收站文件夹（runs/%2/）中</translation>
    </message>
    <message>
        <source>%1 exists: a run of that name is in the runs folder already; rename or move that folder first, then restore</source>
        <translation>%1 已存在：运行文件夹中已有同名的运行；请先重命名或移走那个文件夹，再恢复</translation>
    </message>
    <message>
        <source>%1: cannot move it back to %2: %3</source>
        <translation>%1：无法将其移回 %2：%3</translation>
    </message>
    <message>
        <source>device &apos;%1&apos;: expected auto, cpu, cuda or cuda:N</source>
        <translation>设备 &apos;%1&apos;：应为 auto、cpu、cuda 或 cuda:N</translation>
    </message>
    <message>
        <source>device &apos;%1&apos;: no CUDA device is available (this LibTorch sees none); use cpu or auto</source>
        <translation>设备 &apos;%1&apos;：没有可用的 CUDA 设备（此 LibTorch 未检测到）；请使用 cpu 或 auto</translation>
    </message>
    <message>
        <source>device &apos;%1&apos;: only %2 CUDA device(s) are present</source>
        <translation>设备 &apos;%1&apos;：只有 %2 个 CUDA 设备</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <translation>%1：无法读取</translation>
    </message>
    <message>
        <source>%1: read error</source>
        <translation>%1：读取错误</translation>
    </message>
    <message>
        <source>no template &apos;%1&apos; is embedded in the engine (engine/templates/)</source>
        <translation>引擎中没有内置名为 &apos;%1&apos; 的模板（engine/templates/）</translation>
    </message>
    <message>
        <source>%1: the table holds more than %2 bytes; at most that much is read</source>
        <translation>%1：表格超过 %2 字节；最多只读取这么多</translation>
    </message>
    <message>
        <source>%1: the run&apos;s preprocessing record has no table encoders; it was not trained on a table</source>
        <translation>%1：该运行的预处理记录中没有表格编码器；它不是用表格训练的</translation>
    </message>
    <message>
        <source>the run&apos;s table encoders are damaged: %1</source>
        <translation>该运行的表格编码器已损坏：%1</translation>
    </message>
    <message>
        <source>the run&apos;s table encoders are damaged: feature &apos;%1&apos;</source>
        <translation>该运行的表格编码器已损坏：特征“%1”</translation>
    </message>
    <message>
        <source>the run&apos;s table encoders are damaged: they encode %1 values, the record says %2</source>
        <translation>该运行的表格编码器已损坏：编码出 %1 个值，记录中却是 %2</translation>
    </message>
    <message>
        <source>%1: the rows have %2 field(s); the model reads %3 feature column(s) (%4), so give rows of %5 fields, of the %3 features in that order, or a header naming them</source>
        <translation>%1：每行有 %2 个字段；模型读取 %3 个特征列（%4），请按此顺序给出含 %5 个字段的行，或给出命名这些列的表头</translation>
    </message>
    <message>
        <source>%1:%2: the value of &apos;%3&apos; is missing</source>
        <translation>%1:%2：缺少“%3”的值</translation>
    </message>
    <message>
        <source>%1:%2: &apos;%3&apos; is not a number in the numeric column &apos;%4&apos;</source>
        <translation>%1:%2：“%3”在数值列“%4”中不是数字</translation>
    </message>
    <message>
        <source>%1: the model takes samples of shape %2, not images of 1 or 3 channels</source>
        <translation>%1：模型接受形状为 %2 的样本，而不是 1 或 3 通道的图像</translation>
    </message>
    <message>
        <source>%1: samples are %2 but the model takes %3</source>
        <translation>%1：样本为 %2，但模型接受 %3</translation>
    </message>
    <message>
        <source>%1: names %2 as the current version, but %3 has no such version folder</source>
        <translation>%1：将 %2 指定为当前版本，但 %3 中没有该版本的文件夹</translation>
    </message>
    <message>
        <source>the project has not been saved; save it to a file before registering model versions (they are kept beside the project file)</source>
        <translation>项目尚未保存；登记模型版本之前请先将其保存为文件（模型版本保存在项目文件旁边）</translation>
    </message>
    <message>
        <source>a rollback needs a reason (--reason TEXT); none was given</source>
        <translation>回滚需要说明原因（--reason TEXT）；未提供原因</translation>
    </message>
    <message>
        <source>%1: nothing to roll back to: no promotion is in force</source>
        <translation>%1：没有可回滚到的版本：当前没有生效的提升</translation>
    </message>
    <message>
        <source>%1: the version to roll back to, %2, has no folder</source>
        <translation>%1：要回滚到的版本 %2 没有文件夹</translation>
    </message>
    <message>
        <source>tensor &apos;%1&apos; cannot be written to a PyTorch file: it is undefined</source>
        <translation>张量 &apos;%1&apos; 无法写入 PyTorch 文件：它未定义</translation>
    </message>
    <message>
        <source>tensor &apos;%1&apos; cannot be written to a PyTorch file: it is not a dense tensor</source>
        <translation>张量 &apos;%1&apos; 无法写入 PyTorch 文件：它不是稠密张量</translation>
    </message>
    <message>
        <source>tensor &apos;%1&apos; cannot be written to a PyTorch file: PyTorch has no storage type for %2</source>
        <translation>张量 &apos;%1&apos; 无法写入 PyTorch 文件：PyTorch 没有 %2 的存储类型</translation>
    </message>
    <message>
        <source>initializer &apos;%1&apos; is not float32 (a bug in Torchwright)</source>
        <translation>初始值设定项 &apos;%1&apos; 不是 float32（Torchwright 的缺陷）</translation>
    </message>
    <message>
        <source>initializer &apos;%1&apos; has the wrong size (a bug in Torchwright)</source>
        <translation>初始值设定项 &apos;%1&apos; 的大小有误（Torchwright 的缺陷）</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Change %1 of %2</source>
        <translation>修改 %2 的 %1</translation>
    </message>
    <message>
        <source>Change %1</source>
        <translation>修改 %1</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <source>Rename layer</source>
        <translation>重命名层</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>%1 params</source>
        <translation>%1 个参数</translation>
    </message>
    <message>
        <source>? params</source>
        <translation>? 个参数</translation>
    </message>
    <message>
        <source>Input data</source>
        <translation>输入数据</translation>
    </message>
    <message>
        <source>Preprocess</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>Pretrain?</source>
        <translation>预训练？</translation>
    </message>
    <message>
        <source>Pretrain</source>
        <translation>预训练</translation>
    </message>
    <message>
        <source>Train from scratch</source>
        <translation>从头训练</translation>
    </message>
    <message>
        <source>Optimize</source>
        <translation>优化</translation>
    </message>
    <message>
        <source>Evaluate &amp; deploy</source>
        <translation>评估与部署</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>User feedback</source>
        <translation>用户反馈</translation>
    </message>
    <message>
        <source>Continuous optimization</source>
        <translation>持续优化</translation>
    </message>
    <message>
        <source>Model update</source>
        <translation>模型更新</translation>
    </message>
    <message>
        <source>Output: drag to an input to connect</source>
        <translation>输出：拖到某个输入上以连接</translation>
    </message>
    <message>
        <source>Input %1: drag to an output to connect, or drag its connection elsewhere</source>
        <translation>输入 %1：拖到某个输出上以连接，或将其连接拖到别处</translation>
    </message>
</context>
<context>
    <name>torchwright::Message</name>
    <message>
        <source>edge starts at node %1, which does not exist</source>
        <translation>连线起点是节点 %1，但该节点不存在</translation>
    </message>
    <message>
        <source>edge ends at node %1, which does not exist</source>
        <translation>连线终点是节点 %1，但该节点不存在</translation>
    </message>
    <message>
        <source>node %1 has one output (port 0), got port %2</source>
        <translation>节点 %1 只有一个输出（端口 0），却给了端口 %2</translation>
    </message>
    <message>
        <source>layer %1 cannot feed itself</source>
        <translation>层 %1 不能连接到自身</translation>
    </message>
    <message>
        <source>%1 (%2) takes no inputs</source>
        <translation>%1（%2）没有输入</translation>
    </message>
    <message>
        <source>node %1 (%2) has %3 input port(s), got port %4</source>
        <translation>节点 %1（%2）有 %3 个输入端口，却给了端口 %4</translation>
    </message>
    <message>
        <source>node %1 (%2) has no input %3</source>
        <translation>节点 %1（%2）没有输入 %3</translation>
    </message>
    <message>
        <source>input %1 of %2 is already connected</source>
        <translation>%2 的输入 %1 已经连接</translation>
    </message>
    <message>
        <source>connecting %1 to %2 would create a cycle</source>
        <translation>把 %1 连接到 %2 会形成环路</translation>
    </message>
    <message>
        <source>the graph has no Input node</source>
        <translation>图中没有 Input 节点</translation>
    </message>
    <message>
        <source>the graph has %1 Input nodes; exactly one is allowed</source>
        <translation>图中有 %1 个 Input 节点；只允许一个</translation>
    </message>
    <message>
        <source>expected a non-negative integer id, got %1</source>
        <translation>应为非负整数 id，实际为 %1</translation>
    </message>
    <message>
        <source>duplicate node id %1 (also used by %2)</source>
        <translation>节点 id %1 重复（%2 也在使用）</translation>
    </message>
    <message>
        <source>node name &apos;%1&apos; must start with a letter or &apos;_&apos; and hold only letters, digits and &apos;_&apos;</source>
        <translation>节点名 &apos;%1&apos; 必须以字母或 &apos;_&apos; 开头，且只含字母、数字和 &apos;_&apos;</translation>
    </message>
    <message>
        <source>duplicate node name &apos;%1&apos; (also used by %2)</source>
        <translation>节点名 &apos;%1&apos; 重复（%2 也在使用）</translation>
    </message>
    <message>
        <source>unknown layer type &apos;%1&apos; (known types: %2)</source>
        <translation>未知的层类型 &apos;%1&apos;（已知类型：%2）</translation>
    </message>
    <message>
        <source>layer %1 (%2): %3</source>
        <translation>层 %1（%2）：%3</translation>
    </message>
    <message>
        <source>%1 by %2</source>
        <translation>%1，由 %2 连接</translation>
    </message>
    <message>
        <source>the graph has a cycle through %1; layers must form a directed acyclic graph</source>
        <translation>图中有经过 %1 的环路；各层必须构成有向无环图</translation>
    </message>
    <message>
        <source>%1 %2 input %3 is not connected</source>
        <translation>%1 %2 的输入 %3 未连接</translation>
    </message>
    <message>
        <source>the graph must end in exactly one output layer, but %1 layers have no outgoing connection: %2</source>
        <translation>图必须以唯一的输出层结束，但有 %1 个层没有向外的连接：%2</translation>
    </message>
    <message>
        <source>%1 %2 input %3 expects %4 values, got %5 from %6</source>
        <translation>%1 %2 的输入 %3 需要 %4 值，却从 %6 得到 %5</translation>
    </message>
    <message>
        <source>%1 %2: %3</source>
        <translation>%1 %2：%3</translation>
    </message>
    <message>
        <source>%1 %2 input %3 (%4 from %5): %6</source>
        <translation>%1 %2 的输入 %3（来自 %5 的 %4）：%6</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>dim %1 is outside the %2 input</source>
        <translation>维度 %1 超出了 %2 输入的范围</translation>
    </message>
    <message>
        <source>%1 channels reach a layer that expects %2 (in_channels = %2)</source>
        <translation>%1 个通道进入了需要 %2 个通道的层（in_channels = %2）</translation>
    </message>
    <message>
        <source>expects a CxHxW input, got %1</source>
        <translation>需要 CxHxW 输入，实际为 %1</translation>
    </message>
    <message>
        <source>groups = %1 must divide the input channels (%2) and out_channels (%3)</source>
        <translation>groups = %1 必须整除输入通道数（%2）和 out_channels（%3）</translation>
    </message>
    <message>
        <source>a %1x%1 kernel does not fit the %2 input</source>
        <translation>%1x%1 的卷积核放不进 %2 的输入</translation>
    </message>
    <message>
        <source>the weight %1x%2x%3x%3</source>
        <translation>权重 %1x%2x%3x%3</translation>
    </message>
    <message>
        <source>padding = %1 leaves no output of the %2 input</source>
        <translation>padding = %1 使 %2 的输入没有输出</translation>
    </message>
    <message>
        <source>expects at least one dimension, got a scalar</source>
        <translation>需要至少一个维度，实际为标量</translation>
    </message>
    <message>
        <source>%1 features reach a layer that expects %2 (in_features = %2); the input is %3, add a Flatten before it</source>
        <translation>%1 个特征进入了需要 %2 个特征的层（in_features = %2）；输入为 %3，请在它之前加一个 Flatten</translation>
    </message>
    <message>
        <source>%1 features reach a layer that expects %2 (in_features = %2)</source>
        <translation>%1 个特征进入了需要 %2 个特征的层（in_features = %2）</translation>
    </message>
    <message>
        <source>the weight %1x%2</source>
        <translation>权重 %1x%2</translation>
    </message>
    <message>
        <source>all inputs must have the same shape: input 0 is %1, input %2 is %3</source>
        <translation>所有输入的形状必须相同：输入 0 为 %1，输入 %2 为 %3</translation>
    </message>
    <message>
        <source>input %1 is %2 but input 0 is %3; they may differ only in dim %4</source>
        <translation>输入 %1 为 %2，但输入 0 为 %3；它们只能在维度 %4 上不同</translation>
    </message>
    <message>
        <source>expects a %1 input, got %2</source>
        <translation>需要 %1 输入，实际为 %2</translation>
    </message>
    <message>
        <source>%1 channels reach a layer that expects %2 (num_features = %2)</source>
        <translation>%1 个通道进入了需要 %2 个通道的层（num_features = %2）</translation>
    </message>
    <message>
        <source>padding %1 must be at most half the kernel size %2</source>
        <translation>padding %1 不能超过窗口大小 %2 的一半</translation>
    </message>
    <message>
        <source>a %1x%1 window does not fit the %2 input</source>
        <translation>%1x%1 的窗口放不进 %2 的输入</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true 或 false</translation>
    </message>
    <message>
        <source>one of %1</source>
        <translation>%1 之一</translation>
    </message>
    <message>
        <source>an integer from %1 to %2</source>
        <translation>%1 到 %2 之间的整数</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>一个数</translation>
    </message>
    <message>
        <source>a number &gt; %1</source>
        <translation>大于 %1 的数</translation>
    </message>
    <message>
        <source>a number &gt;= %1</source>
        <translation>大于等于 %1 的数</translation>
    </message>
    <message>
        <source>a number from %1 (exclusive) to %2</source>
        <translation>%1（不含）到 %2 之间的数</translation>
    </message>
    <message>
        <source>a number from %1 to %2</source>
        <translation>%1 到 %2 之间的数</translation>
    </message>
    <message>
        <source>the output %1 would have %2 elements; the largest supported tensor has %3</source>
        <translation>输出 %1 将有 %2 个元素；支持的最大张量为 %3 个元素</translation>
    </message>
    <message>
        <source>the parameter or multiply-add count overflows</source>
        <translation>参数数量或乘加次数溢出</translation>
    </message>
    <message>
        <source>%1 would have %2 elements; the largest supported tensor has %3</source>
        <translation>%1 将有 %2 个元素；支持的最大张量为 %3 个元素</translation>
    </message>
    <message>
        <source>expected an object of parameters, got %1</source>
        <translation>应为参数对象，实际为 %1</translation>
    </message>
    <message>
        <source>missing required parameter &apos;%1&apos; of %2 (%3)</source>
        <translation>缺少 %2 的必需参数 &apos;%1&apos;（%3）</translation>
    </message>
    <message>
        <source>%1 %2 is more than the largest supported value, %3</source>
        <translation>%1 %2 超过了支持的最大值 %3</translation>
    </message>
    <message>
        <source>%1: expected %2, got %3</source>
        <translation>%1：应为%2，实际为 %3</translation>
    </message>
    <message>
        <source>unknown parameter &apos;%1&apos; for %2</source>
        <translation>%2 没有参数 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>the table of %1x%2</source>
        <translation>%1x%2 的嵌入表</translation>
    </message>
    <message>
        <source>expects an LxF sequence, got %1</source>
        <translation>需要 LxF 序列，实际为 %1</translation>
    </message>
    <message>
        <source>%1 features reach a layer that expects %2 (input_size = %2)</source>
        <translation>%1 个特征进入了需要 %2 个特征的层（input_size = %2）</translation>
    </message>
    <message>
        <source>with hidden_size %1, a weight</source>
        <translation>hidden_size 为 %1 时，某个权重</translation>
    </message>
    <message>
        <source>expects an LxE sequence, got %1</source>
        <translation>需要 LxE 序列，实际为 %1</translation>
    </message>
    <message>
        <source>num_heads = %1 must divide the embedding size %2</source>
        <translation>num_heads = %1 必须整除嵌入维度 %2</translation>
    </message>
    <message>
        <source>in_proj_weight %1x%2</source>
        <translation>in_proj_weight %1x%2</translation>
    </message>
    <message>
        <source>parameters %1</source>
        <translation>参数 %1</translation>
    </message>
    <message>
        <source>%1, gradients %2</source>
        <translation>%1，梯度 %2</translation>
    </message>
    <message>
        <source>%1, optimizer state %2</source>
        <translation>%1，优化器状态 %2</translation>
    </message>
    <message>
        <source>%1, activations of a batch of %2 %3</source>
        <translation>%1，%2 个样本一批的激活 %3</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>the weights alone need %1: use fewer or smaller layers, or an optimizer that keeps less state (SGD without momentum keeps none)</source>
        <translation>仅权重就需要 %1：请使用更少或更小的层，或换用保存状态更少的优化器（不带动量的 SGD 不保存状态）</translation>
    </message>
    <message>
        <source>the weights alone need %1: use fewer or smaller layers</source>
        <translation>仅权重就需要 %1：请使用更少或更小的层</translation>
    </message>
    <message>
        <source>use a smaller batch size (/training/batch_size) or layers with smaller outputs</source>
        <translation>请使用更小的批大小（/training/batch_size）或输出更小的层</translation>
    </message>
    <message>
        <source>%1 needs about %2, but only %3 is available (%4); %5</source>
        <translation>%1 需要约 %2，但只有 %3 可用（%4）；%5</translation>
    </message>
    <message>
        <source>missing required field &apos;%1&apos;</source>
        <translation>缺少必需字段 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>expected an object, got %1</source>
        <translation>应为对象，实际为 %1</translation>
    </message>
    <message>
        <source>expected a string, got %1</source>
        <translation>应为字符串，实际为 %1</translation>
    </message>
    <message>
        <source>expected one of %1, got %2</source>
        <translation>应为 %1 之一，实际为 %2</translation>
    </message>
    <message>
        <source>expected %1, got %2</source>
        <translation>应为%1，实际为 %2</translation>
    </message>
    <message>
        <source>expected %1 class names (num_classes), got %2</source>
        <translation>应有 %1 个类别名（num_classes），实际为 %2 个</translation>
    </message>
    <message>
        <source>expected 1 or %1 values (one per channel), got %2</source>
        <translation>应有 1 个或 %1 个值（每通道一个），实际为 %2 个</translation>
    </message>
    <message>
        <source>expected as many values as mean (%1), got %2</source>
        <translation>值的个数应与 mean 相同（%1 个），实际为 %2 个</translation>
    </message>
    <message>
        <source>expected a positive number, got %1</source>
        <translation>应为正数，实际为 %1</translation>
    </message>
    <message>
        <source>pretraining is enabled but no source run or checkpoint is given</source>
        <translation>已启用预训练，但没有指定来源运行或检查点</translation>
    </message>
    <message>
        <source>the target is the input (/training/target), which is reconstructed with the mse loss; got &quot;%1&quot;</source>
        <translation>目标是输入本身（/training/target），重建应使用 mse 损失；实际为 &quot;%1&quot;</translation>
    </message>
    <message>
        <source>the target is the input (/training/target): there is no accuracy to watch; watch val_loss</source>
        <translation>目标是输入本身（/training/target）：没有准确率可监视；请监视 val_loss</translation>
    </message>
    <message>
        <source>Nesterov momentum needs momentum &gt; 0</source>
        <translation>Nesterov 动量需要 momentum &gt; 0</translation>
    </message>
    <message>
        <source>expected a list of nodes, got %1</source>
        <translation>应为节点列表，实际为 %1</translation>
    </message>
    <message>
        <source>expected a node object, got %1</source>
        <translation>应为节点对象，实际为 %1</translation>
    </message>
    <message>
        <source>expected [x, y], got %1</source>
        <translation>应为 [x, y]，实际为 %1</translation>
    </message>
    <message>
        <source>expected a list of edges, got %1</source>
        <translation>应为连线列表，实际为 %1</translation>
    </message>
    <message>
        <source>expected {&quot;from&quot;: {...}, &quot;to&quot;: {...}}, got %1</source>
        <translation>应为 {&quot;from&quot;: {...}, &quot;to&quot;: {...}}，实际为 %1</translation>
    </message>
    <message>
        <source>version 1 edges are [fromNode, fromPort, toNode, toPort], got %1</source>
        <translation>版本 1 的连线格式为 [fromNode, fromPort, toNode, toPort]，实际为 %1</translation>
    </message>
    <message>
        <source>expected a JSON object at the top level, got %1</source>
        <translation>顶层应为 JSON 对象，实际为 %1</translation>
    </message>
    <message>
        <source>expected &quot;%1&quot;, got %2: this is not a Torchwright project</source>
        <translation>应为 &quot;%1&quot;，实际为 %2：这不是 Torchwright 项目</translation>
    </message>
    <message>
        <source>the file is version %1, newer than this Torchwright reads (%2); update Torchwright to open it</source>
        <translation>文件版本为 %1，比此版本 Torchwright 能读取的版本（%2）更新；请更新 Torchwright 后再打开</translation>
    </message>
    <message>
        <source>unknown field &apos;%1&apos; is ignored</source>
        <translation>已忽略未知字段 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>%1; a project needs far fewer</source>
        <translation>%1；项目所需远少于此</translation>
    </message>
    <message>
        <source>not valid JSON: %1</source>
        <translation>不是有效的 JSON：%1</translation>
    </message>
    <message>
        <source>the dataset&apos;s sample shape is missing or was refused, so no shape can be inferred</source>
        <translation>数据集的样本形状缺失或被拒绝，因此无法推断形状</translation>
    </message>
    <message>
        <source>the output layer &apos;%1&apos; gives %2 per sample, but the target is the input (/training/target), so it must give the input&apos;s shape %3</source>
        <translation>输出层 &apos;%1&apos; 每个样本给出 %2，但目标是输入本身（/training/target），所以它必须给出输入的形状 %3</translation>
    </message>
    <message>
        <source>the output layer &apos;%1&apos; gives %2 per sample, but the %3 loss needs %4 (one per class, /dataset/num_classes)</source>
        <translation>输出层 &apos;%1&apos; 每个样本给出 %2，但 %3 损失需要 %4（每个类别一个，/dataset/num_classes）</translation>
    </message>
    <message>
        <source>no layer is named &apos;%1&apos;</source>
        <translation>没有名为 &apos;%1&apos; 的层</translation>
    </message>
    <message>
        <source>not a run folder: project.json is missing</source>
        <translation>不是运行文件夹：缺少 project.json</translation>
    </message>
    <message>
        <source>damaged: its content does not match the SHA-256 that run.json (/project_sha256) recorded when the run began; restore it from a copy</source>
        <translation>已损坏：其内容与运行开始时 run.json 记录的 SHA-256（/project_sha256）不符；请从副本恢复</translation>
    </message>
    <message>
        <source>evaluating %1</source>
        <translation>评估 %1</translation>
    </message>
    <message>
        <source>the dataset folder is empty; give the folder holding the data files</source>
        <translation>数据集文件夹为空；请指定存放数据文件的文件夹</translation>
    </message>
    <message>
        <source>a sample of %1 would have %2 elements; the largest supported tensor has %3</source>
        <translation>%1 的样本将有 %2 个元素；支持的最大张量为 %3 个元素</translation>
    </message>
    <message>
        <source>expected two numbers in [0, 1), got %1</source>
        <translation>应为 [0, 1) 内的两个数，实际为 %1</translation>
    </message>
    <message>
        <source>expected &quot;auto&quot;, &quot;cpu&quot;, &quot;cuda&quot; or &quot;cuda:N&quot;, got &quot;%1&quot;</source>
        <translation>应为 &quot;auto&quot;、&quot;cpu&quot;、&quot;cuda&quot; 或 &quot;cuda:N&quot;，实际为 &quot;%1&quot;</translation>
    </message>
    <message>
        <source>a positive integer</source>
        <translation>正整数</translation>
    </message>
    <message>
        <source>a non-negative integer</source>
        <translation>非负整数</translation>
    </message>
    <message>
        <source>a list of %1 to %2 positive integers</source>
        <translation>由 %1 到 %2 个正整数组成的列表</translation>
    </message>
    <message>
        <source>a list of %1 to %2 integers</source>
        <translation>由 %1 到 %2 个整数组成的列表</translation>
    </message>
    <message>
        <source>a list of %1 to %2 numbers</source>
        <translation>由 %1 到 %2 个数组成的列表</translation>
    </message>
    <message>
        <source>a list of %1 to %2 strings</source>
        <translation>由 %1 到 %2 个字符串组成的列表</translation>
    </message>
    <message>
        <source>a list of positive integers</source>
        <translation>正整数列表</translation>
    </message>
    <message>
        <source>a list of integers</source>
        <translation>整数列表</translation>
    </message>
    <message>
        <source>a list of numbers</source>
        <translation>数的列表</translation>
    </message>
    <message>
        <source>a list of strings</source>
        <translation>字符串列表</translation>
    </message>
    <message>
        <source>a number &gt; %1 and &lt;= %2</source>
        <translation>大于 %1 且不大于 %2 的数</translation>
    </message>
    <message>
        <source>a number from %1 (exclusive) to %2 (exclusive)</source>
        <translation>%1（不含）到 %2（不含）之间的数</translation>
    </message>
    <message>
        <source>a number from %1 to %2 (exclusive)</source>
        <translation>%1 到 %2（不含）之间的数</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>字符串</translation>
    </message>
    <message>
        <source>%1: cannot write (is the disk full?); training stopped. Free space, then train --resume continues from the last checkpoint</source>
        <translation>%1：无法写入（磁盘已满？）；训练已停止。请释放空间，之后 train --resume 会从最后的检查点继续</translation>
    </message>
    <message>
        <source>training ended by an unexpected error</source>
        <translation>训练因意外错误而结束</translation>
    </message>
    <message>
        <source>%1: checkpoint not found, but run.json says %2 epoch(s) were completed; the run cannot continue without it. Train the project again</source>
        <translation>%1：找不到检查点，但 run.json 记录已完成 %2 个轮次；没有它无法继续这次运行。请重新训练该项目</translation>
    </message>
    <message>
        <source>no checkpoint: the run was interrupted before its first one was written; training it again from the start</source>
        <translation>没有检查点：运行在写入第一个检查点之前被中断；从头重新训练</translation>
    </message>
    <message>
        <source>metrics.jsonl: dropped a torn last line (%1 bytes) left by the interrupted process</source>
        <translation>metrics.jsonl：已丢弃被中断的进程留下的不完整末行（%1 字节）</translation>
    </message>
    <message>
        <source>%1: cannot write</source>
        <translation>%1：无法写入</translation>
    </message>
    <message>
        <source>LibTorch: %1</source>
        <translation>LibTorch：%1</translation>
    </message>
    <message>
        <source>%1; run.json keeps its previous content</source>
        <translation>%1；run.json 保留原有内容</translation>
    </message>
    <message>
        <source>starting %1</source>
        <translation>开始 %1</translation>
    </message>
    <message>
        <source>restarting %1</source>
        <translation>重新开始 %1</translation>
    </message>
    <message>
        <source>resuming %1</source>
        <translation>继续 %1</translation>
    </message>
    <message>
        <source>%1 on %2 with %3 intra-op thread(s), %4 %5 thread(s)</source>
        <translation>%1，设备 %2，%3 个算子内线程，%4 %5 个线程</translation>
    </message>
    <message>
        <source>%1: dataset file not found; the dataset is needed to train (/dataset/path)</source>
        <translation>%1：找不到数据集文件；训练需要数据集（/dataset/path）</translation>
    </message>
    <message>
        <source>data: %1 training, %2 validation, %3 test samples of %4 (%5 s)</source>
        <translation>数据：%1 个训练样本、%2 个验证样本、%3 个测试样本，形状 %4（%5 秒）</translation>
    </message>
    <message>
        <source>%1; normalised with mean %2, std %3</source>
        <translation>%1；按均值 %2、标准差 %3 归一化</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>pretrained %1</source>
        <translation>已预训练 %1</translation>
    </message>
    <message>
        <source>%1 layer(s) frozen</source>
        <translation>已冻结 %1 个层</translation>
    </message>
    <message>
        <source>/pretrain/frozen: every layer is frozen; nothing is left to train</source>
        <translation>/pretrain/frozen：所有层都已冻结；没有可训练的部分</translation>
    </message>
    <message>
        <source>resumed from %1 after epoch %2</source>
        <translation>已从 %1 继续，位于第 %2 轮之后</translation>
    </message>
    <message>
        <source>the run already has %1 epochs; pass more epochs to continue it</source>
        <translation>这次运行已有 %1 个轮次；要继续，请给出更多轮次</translation>
    </message>
    <message>
        <source>stopped by the user in epoch %1 at batch %2; the last checkpoint is from epoch %3, where train --resume continues</source>
        <translation>用户在第 %1 轮第 %2 批时停止；最后的检查点来自第 %3 轮，train --resume 会从那里继续</translation>
    </message>
    <message>
        <source>stopped by the user in epoch %1 at batch %2; the last checkpoint is from the start (epoch 0), where train --resume continues</source>
        <translation>用户在第 %1 轮第 %2 批时停止；最后的检查点来自开始时（第 0 轮），train --resume 会从那里继续</translation>
    </message>
    <message>
        <source>the loss became NaN in epoch %1, batch %2 (learning rate %3); training stopped, and the last good checkpoint (epoch %4) is kept. Lower the learning rate or clip gradients.</source>
        <translation>损失在第 %1 轮第 %2 批变为 NaN（学习率 %3）；训练已停止，保留最后一个正常的检查点（第 %4 轮）。请降低学习率或裁剪梯度。</translation>
    </message>
    <message>
        <source>the loss became infinite in epoch %1, batch %2 (learning rate %3); training stopped, and the last good checkpoint (epoch %4) is kept. Lower the learning rate or clip gradients.</source>
        <translation>损失在第 %1 轮第 %2 批变为无穷大（学习率 %3）；训练已停止，保留最后一个正常的检查点（第 %4 轮）。请降低学习率或裁剪梯度。</translation>
    </message>
    <message>
        <source>early stopping after epoch %1: %2 has not improved for %3 epoch(s); best was epoch %4</source>
        <translation>第 %1 轮后提前停止：%2 已有 %3 个轮次没有改善；最好的是第 %4 轮</translation>
    </message>
    <message>
        <source>%1: %2; the file is damaged or not a PyTorch/Torchwright file (use another checkpoint, or write it again)</source>
        <translation>%1：%2；文件已损坏，或不是 PyTorch/Torchwright 文件（请使用其他检查点，或重新写入该文件）</translation>
    </message>
    <message>
        <source>cannot inflate entry &apos;%1&apos;</source>
        <translation>无法解压条目 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>entry &apos;%1&apos; does not inflate to the %2 bytes its header declares</source>
        <translation>条目 &apos;%1&apos; 解压后不是其头部声明的 %2 字节</translation>
    </message>
    <message>
        <source>too short to be an archive (%1 bytes)</source>
        <translation>太短，不可能是归档文件（%1 字节）</translation>
    </message>
    <message>
        <source>truncated or not a zip archive: no end of central directory</source>
        <translation>已被截断或不是 zip 归档：没有中央目录结尾记录</translation>
    </message>
    <message>
        <source>a ZIP64 archive without its ZIP64 locator</source>
        <translation>ZIP64 归档缺少 ZIP64 定位符</translation>
    </message>
    <message>
        <source>the ZIP64 end of central directory is outside the file</source>
        <translation>ZIP64 中央目录结尾记录位于文件之外</translation>
    </message>
    <message>
        <source>the central directory lies outside the file</source>
        <translation>中央目录位于文件之外</translation>
    </message>
    <message>
        <source>the central directory declares %1 entries in %2 bytes</source>
        <translation>中央目录在 %2 字节中声明了 %1 个条目</translation>
    </message>
    <message>
        <source>central directory entry %1 is damaged</source>
        <translation>中央目录条目 %1 已损坏</translation>
    </message>
    <message>
        <source>central directory entry %1 runs past the directory</source>
        <translation>中央目录条目 %1 超出了目录范围</translation>
    </message>
    <message>
        <source>entry &apos;%1&apos; has a damaged extra field</source>
        <translation>条目 &apos;%1&apos; 的扩展字段已损坏</translation>
    </message>
    <message>
        <source>entry &apos;%1&apos; has a short ZIP64 field</source>
        <translation>条目 &apos;%1&apos; 的 ZIP64 字段过短</translation>
    </message>
    <message>
        <source>entry &apos;%1&apos; is encrypted</source>
        <translation>条目 &apos;%1&apos; 已加密</translation>
    </message>
    <message>
        <source>entry &apos;%1&apos; declares %2 bytes</source>
        <translation>条目 &apos;%1&apos; 声明了 %2 字节</translation>
    </message>
    <message>
        <source>the local header of entry &apos;%1&apos; is missing or outside the file</source>
        <translation>条目 &apos;%1&apos; 的本地头缺失或位于文件之外</translation>
    </message>
    <message>
        <source>the data of entry &apos;%1&apos; runs past the end of the entries (truncated?)</source>
        <translation>条目 &apos;%1&apos; 的数据超出了条目区的末尾（文件被截断？）</translation>
    </message>
    <message>
        <source>the local header of entry &apos;%1&apos; names another entry</source>
        <translation>条目 &apos;%1&apos; 的本地头指向另一个条目</translation>
    </message>
    <message>
        <source>stored entry &apos;%1&apos; has two different sizes</source>
        <translation>未压缩条目 &apos;%1&apos; 有两个不同的大小</translation>
    </message>
    <message>
        <source>entry &apos;%1&apos; uses compression method %2</source>
        <translation>条目 &apos;%1&apos; 使用了压缩方法 %2</translation>
    </message>
    <message>
        <source>the data of entry &apos;%1&apos; does not match its CRC-32 (damaged after it was written)</source>
        <translation>条目 &apos;%1&apos; 的数据与其 CRC-32 不符（写入后已损坏）</translation>
    </message>
    <message>
        <source>it is undefined</source>
        <translation>它未定义</translation>
    </message>
    <message>
        <source>it is not a dense tensor</source>
        <translation>它不是稠密张量</translation>
    </message>
    <message>
        <source>it has no storage</source>
        <translation>它没有存储</translation>
    </message>
    <message>
        <source>dimension %1 has a negative size</source>
        <translation>维度 %1 的大小为负</translation>
    </message>
    <message>
        <source>dimension %1 has a negative stride</source>
        <translation>维度 %1 的步长为负</translation>
    </message>
    <message>
        <source>it has %1 elements, more than the %2 allowed</source>
        <translation>它有 %1 个元素，超过了允许的 %2 个</translation>
    </message>
    <message>
        <source>its storage offset is negative</source>
        <translation>它的存储偏移为负</translation>
    </message>
    <message>
        <source>its sizes, strides and offset reach byte %1 of a storage of %2 bytes</source>
        <translation>它的大小、步长和偏移到达第 %1 字节，而存储只有 %2 字节</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is nested too deeply</source>
        <translation>&apos;%1&apos; 嵌套过深</translation>
    </message>
    <message>
        <source>tensor &apos;%1&apos; cannot be used: %2</source>
        <translation>张量 &apos;%1&apos; 无法使用：%2</translation>
    </message>
    <message>
        <source>%1: exists and is not a Torchwright bundle; choose another folder</source>
        <translation>%1：已存在，且不是 Torchwright 部署包；请选择其他文件夹</translation>
    </message>
    <message>
        <source>%1: checkpoint not found</source>
        <translation>%1：找不到检查点</translation>
    </message>
    <message>
        <source>%1: cannot write the bundle: %2</source>
        <translation>%1：无法写入部署包：%2</translation>
    </message>
    <message>
        <source>%1: %2; export the bundle again</source>
        <translation>%1：%2；请重新导出部署包</translation>
    </message>
    <message>
        <source>%1 is not an array of numbers</source>
        <translation>%1 不是数值数组</translation>
    </message>
    <message>
        <source>%1 must be a finite number above 0</source>
        <translation>%1 必须是大于 0 的有限数</translation>
    </message>
    <message>
        <source>%1 must be a finite number</source>
        <translation>%1 必须是有限数</translation>
    </message>
    <message>
        <source>%1: not a Torchwright bundle manifest</source>
        <translation>%1：不是 Torchwright 部署包清单</translation>
    </message>
    <message>
        <source>%1: %2 is missing or not a string</source>
        <translation>%1：%2 缺失或不是字符串</translation>
    </message>
    <message>
        <source>%1: its SHA-256 differs from manifest.json; the file was changed or damaged</source>
        <translation>%1：其 SHA-256 与 manifest.json 中的不同；文件已被修改或损坏</translation>
    </message>
    <message>
        <source>%1: /files lists no model.pt, so the bundle&apos;s model cannot be verified</source>
        <translation>%1：/files 中没有列出 model.pt，因此无法校验部署包中的模型</translation>
    </message>
    <message>
        <source>%1: cannot load the TorchScript model: %2</source>
        <translation>%1：无法加载 TorchScript 模型：%2</translation>
    </message>
    <message>
        <source>%1: the model&apos;s output is %2 per sample, not a vector of class scores</source>
        <translation>%1：模型对每个样本的输出为 %2，不是类别分数向量</translation>
    </message>
    <message>
        <source>class %1</source>
        <translation>类别 %1</translation>
    </message>
    <message>
        <source>%1: not a Torchwright checkpoint (no model weights)</source>
        <translation>%1：不是 Torchwright 检查点（没有模型权重）</translation>
    </message>
    <message>
        <source>%1: the checkpoint has no tensor &apos;%2&apos;; it was saved from a different layer graph</source>
        <translation>%1：检查点中没有张量 &apos;%2&apos;；它保存自另一个层图</translation>
    </message>
    <message>
        <source>%1: tensors do not fit the layer graph:</source>
        <translation>%1：张量与层图不符：</translation>
    </message>
    <message>
        <source>%1
  %2</source>
        <translation>%1
  %2</translation>
    </message>
    <message>
        <source>layer &apos;%1&apos;: %2 is %3 in the source but %4 in the layer graph</source>
        <translation>层 &apos;%1&apos;：%2 在来源中为 %3，在层图中却为 %4</translation>
    </message>
    <message>
        <source>layer &apos;%1&apos;: %2 holds %3 values where the layer has %4</source>
        <translation>层 &apos;%1&apos;：%2 存放的是 %3 值，而该层为 %4</translation>
    </message>
    <message>
        <source>%1: the checksum record is damaged (not a byte string)</source>
        <translation>%1：校验和记录已损坏（不是字节串）</translation>
    </message>
    <message>
        <source>%1: the checksum record is damaged: %2</source>
        <translation>%1：校验和记录已损坏：%2</translation>
    </message>
    <message>
        <source>%1: the checksum record is damaged (no tensors object)</source>
        <translation>%1：校验和记录已损坏（没有 tensors 对象）</translation>
    </message>
    <message>
        <source>%1: tensor &apos;%2&apos; has no checksum; the file was altered after it was written, use another checkpoint</source>
        <translation>%1：张量 &apos;%2&apos; 没有校验和；文件在写入后被改动过，请使用其他检查点</translation>
    </message>
    <message>
        <source>%1: tensor &apos;%2&apos; does not match its SHA-256; the checkpoint is damaged and is not used (use another checkpoint, or train again)</source>
        <translation>%1：张量 &apos;%2&apos; 与其 SHA-256 不符；检查点已损坏，不会被使用（请使用其他检查点，或重新训练）</translation>
    </message>
    <message>
        <source>%1: tensor &apos;%2&apos; is missing; the checkpoint is damaged</source>
        <translation>%1：缺少张量 &apos;%2&apos;；检查点已损坏</translation>
    </message>
    <message>
        <source>%1: cannot read the checkpoint: %2</source>
        <translation>%1：无法读取检查点：%2</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is %3, outside 0..1000000</source>
        <translation>%1：&apos;%2&apos; 为 %3，超出 0..1000000</translation>
    </message>
    <message>
        <source>%1: the checkpoint holds no optimizer state, so the run cannot be resumed</source>
        <translation>%1：检查点中没有优化器状态，因此无法恢复这次运行</translation>
    </message>
    <message>
        <source>%1: the optimizer state does not fit this optimizer: %2</source>
        <translation>%1：优化器状态与此优化器不符：%2</translation>
    </message>
    <message>
        <source>%1: &apos;rng_shuffle&apos; is not a byte string; the checkpoint is damaged</source>
        <translation>%1：&apos;rng_shuffle&apos; 不是字节串；检查点已损坏</translation>
    </message>
    <message>
        <source>%1: &apos;rng_torch&apos; is not a random generator state of this LibTorch (%2 elements); the checkpoint is damaged</source>
        <translation>%1：&apos;rng_torch&apos; 不是此 LibTorch 的随机数生成器状态（%2 个元素）；检查点已损坏</translation>
    </message>
    <message>
        <source>Torchwright checkpoint</source>
        <translation>Torchwright 检查点</translation>
    </message>
    <message>
        <source>TorchScript model</source>
        <translation>TorchScript 模型</translation>
    </message>
    <message>
        <source>%1: a PyTorch file holding an OrderedDict (model.state_dict() as is), which LibTorch cannot read; save it as a plain dict: torch.save(dict(model.state_dict()), path)</source>
        <translation>%1：这是一个存有 OrderedDict（即原样的 model.state_dict()）的 PyTorch 文件，LibTorch 无法读取；请将其保存为普通 dict：torch.save(dict(model.state_dict()), path)</translation>
    </message>
    <message>
        <source>%1: not a Torchwright checkpoint, a TorchScript file or a PyTorch checkpoint (%2; %3)</source>
        <translation>%1：既不是 Torchwright 检查点，也不是 TorchScript 文件或 PyTorch 检查点（%2；%3）</translation>
    </message>
    <message>
        <source>%1: a PyTorch file, but it holds a %2, not a state dict of tensors</source>
        <translation>%1：是 PyTorch 文件，但其中存放的是 %2，而不是张量的状态字典</translation>
    </message>
    <message>
        <source>PyTorch checkpoint</source>
        <translation>PyTorch 检查点</translation>
    </message>
    <message>
        <source>%1: pretraining source not found (/pretrain/source)</source>
        <translation>%1：找不到预训练来源（/pretrain/source）</translation>
    </message>
    <message>
        <source>%1: no tensor of this %2 matches a layer of the graph by name (it holds none)</source>
        <translation>%1：此%2中没有任何张量按名称匹配图中的层（其中没有张量）</translation>
    </message>
    <message>
        <source>%1: no tensor of this %2 matches a layer of the graph by name (it has %3)</source>
        <translation>%1：此%2中没有任何张量按名称匹配图中的层（其中有 %3）</translation>
    </message>
    <message>
        <source>layer &apos;%1&apos;: %2 tensor(s) from %3 %4</source>
        <translation>层 &apos;%1&apos;：来自%3 %4 的 %2 个张量</translation>
    </message>
    <message>
        <source>the dataset format &quot;%1&quot; has no reader (a bug in Torchwright)</source>
        <translation>数据集格式 &quot;%1&quot; 没有读取器（Torchwright 的缺陷）</translation>
    </message>
    <message>
        <source>%1: the training samples are %2 but /dataset/sample_shape declares %3</source>
        <translation>%1：训练样本为 %2，但 /dataset/sample_shape 声明的是 %3</translation>
    </message>
    <message>
        <source>%1: the test samples are %2 but /dataset/sample_shape declares %3</source>
        <translation>%1：测试样本为 %2，但 /dataset/sample_shape 声明的是 %3</translation>
    </message>
    <message>
        <source>%1: the training labels go up to %2 but /dataset/num_classes is %3</source>
        <translation>%1：训练标签最大到 %2，但 /dataset/num_classes 为 %3</translation>
    </message>
    <message>
        <source>%1: the test labels go up to %2 but /dataset/num_classes is %3</source>
        <translation>%1：测试标签最大到 %2，但 /dataset/num_classes 为 %3</translation>
    </message>
    <message>
        <source>%1: dataset folder not found (/dataset/path)</source>
        <translation>%1：找不到数据集文件夹（/dataset/path）</translation>
    </message>
    <message>
        <source>/dataset/validation_fraction: leaves no training samples out of %1</source>
        <translation>/dataset/validation_fraction：%1 个样本中没有留下训练样本</translation>
    </message>
    <message>
        <source>unknown dataset kind &quot;%1&quot;</source>
        <translation>未知的数据集类型 &quot;%1&quot;</translation>
    </message>
    <message>
        <source>%1: file not found</source>
        <translation>%1：找不到文件</translation>
    </message>
    <message>
        <source>%1: truncated: %2 bytes is not a whole number of %3-byte CIFAR-10 records</source>
        <translation>%1：已截断：%2 字节不是 %3 字节的 CIFAR-10 记录的整数倍</translation>
    </message>
    <message>
        <source>%1: cannot open: %2</source>
        <translation>%1：无法打开：%2</translation>
    </message>
    <message>
        <source>%1: the gzip data is damaged (%2)</source>
        <translation>%1：gzip 数据已损坏（%2）</translation>
    </message>
    <message>
        <source>%1: the gzip stream is truncated or damaged (%2)</source>
        <translation>%1：gzip 数据流被截断或已损坏（%2）</translation>
    </message>
    <message>
        <source>%1: cannot write gzip data</source>
        <translation>%1：无法写入 gzip 数据</translation>
    </message>
    <message>
        <source>%1: expected a 1-dimensional label file, got %2 dimensions</source>
        <translation>%1：应为 1 维的标签文件，实际为 %2 维</translation>
    </message>
    <message>
        <source>%1: %2 labels for %3 images in %4</source>
        <translation>%1：有 %2 个标签，但 %4 中有 %3 张图像</translation>
    </message>
    <message>
        <source>/dataset/sample_shape: generated sequences are steps x symbols (LxF), got %1</source>
        <translation>/dataset/sample_shape：生成的序列为步数 x 符号数（LxF），实际为 %1</translation>
    </message>
    <message>
        <source>/dataset/sample_shape: %1 symbols per step leave no filler beside %2 class markers; give more than /dataset/num_classes symbols</source>
        <translation>/dataset/sample_shape：每步 %1 个符号，除去 %2 个类别标记后没有填充符号；请给出多于 /dataset/num_classes 个符号</translation>
    </message>
    <message>
        <source>/dataset/sample_shape: %1 steps cannot hold the %2 class markers; give at least /dataset/num_classes steps</source>
        <translation>/dataset/sample_shape：%1 步容纳不下 %2 个类别标记；请给出至少 /dataset/num_classes 步</translation>
    </message>
    <message>
        <source>layer &apos;%1&apos; (%2) cannot be exported to ONNX</source>
        <translation>层 &apos;%1&apos;（%2）无法导出为 ONNX</translation>
    </message>
    <message>
        <source>the ONNX model failed ONNX&apos;s checker (a bug in Torchwright): %1</source>
        <translation>ONNX 模型未通过 ONNX 的检查器（Torchwright 的缺陷）：%1</translation>
    </message>
    <message>
        <source>the ONNX model&apos;s output is %1 per sample, the engine&apos;s %2 (a bug in Torchwright)</source>
        <translation>ONNX 模型每个样本输出 %1，引擎输出 %2（Torchwright 的缺陷）</translation>
    </message>
    <message>
        <source>%1: it has no ONNX form</source>
        <translation>%1：它没有 ONNX 形式</translation>
    </message>
    <message>
        <source>%1: the ONNX model could not be serialised (over 2 GB?)</source>
        <translation>%1：无法序列化 ONNX 模型（超过 2 GB？）</translation>
    </message>
    <message>
        <source>this build of Torchwright has no ONNX export: ONNX&apos;s C++ library (libonnx-dev) was not found when it was configured</source>
        <translation>此版本的 Torchwright 没有 ONNX 导出：配置时未找到 ONNX 的 C++ 库（libonnx-dev）</translation>
    </message>
    <message>
        <source>layer &apos;%1&apos; (%2) cannot be written as PyTorch code</source>
        <translation>层 &apos;%1&apos;（%2）无法写成 PyTorch 代码</translation>
    </message>
    <message>
        <source>layer &apos;%1&apos; (%2) has no inferred output shape</source>
        <translation>层 &apos;%1&apos;（%2）没有推断出的输出形状</translation>
    </message>
    <message>
        <source>layer &apos;%1&apos; (%2) cannot be written as PyTorch code: %3</source>
        <translation>层 &apos;%1&apos;（%2）无法写成 PyTorch 代码：%3</translation>
    </message>
    <message>
        <source>%1: cannot create the folder: %2</source>
        <translation>%1：无法创建文件夹：%2</translation>
    </message>
    <message>
        <source>%1: cannot create the folder</source>
        <translation>%1：无法创建文件夹</translation>
    </message>
    <message>
        <source>%1: write failed</source>
        <translation>%1：写入失败</translation>
    </message>
    <message>
        <source>%1: the exported model gives %2 where the engine gives %3 (a bug in Torchwright)</source>
        <translation>%1：导出的模型给出 %2，而引擎给出 %3（Torchwright 的缺陷）</translation>
    </message>
    <message>
        <source>%1: the exported model differs from the engine by up to %2 on a test batch (a bug in Torchwright)</source>
        <translation>%1：在测试批次上，导出的模型与引擎相差最多 %2（Torchwright 的缺陷）</translation>
    </message>
    <message>
        <source>no space left on the device writing %1 (%2 bytes); free some space and try again</source>
        <translation>写入 %1（%2 字节）时设备空间不足；请释放一些空间后重试</translation>
    </message>
    <message>
        <source>the file size limit was reached writing %1 (%2 bytes)</source>
        <translation>写入 %1（%2 字节）时达到了文件大小上限</translation>
    </message>
    <message>
        <source>the disk quota was exceeded writing %1 (%2 bytes)</source>
        <translation>写入 %1（%2 字节）时超出了磁盘配额</translation>
    </message>
    <message>
        <source>cannot write %1 (%2 bytes): %3</source>
        <translation>无法写入 %1（%2 字节）：%3</translation>
    </message>
    <message>
        <source>JSON nested deeper than %1 levels (at byte %2)</source>
        <translation>JSON 嵌套超过 %1 层（位于第 %2 字节）</translation>
    </message>
    <message>
        <source>%1: cannot write: %2</source>
        <translation>%1：无法写入：%2</translation>
    </message>
    <message>
        <source>%1: cannot write: folder %2 does not exist</source>
        <translation>%1：无法写入：文件夹 %2 不存在</translation>
    </message>
    <message>
        <source>%1: cannot reopen the new file to flush it: %2</source>
        <translation>%1：无法重新打开新文件以将其刷写到磁盘：%2</translation>
    </message>
    <message>
        <source>%1: cannot replace the file: %2</source>
        <translation>%1：无法替换该文件：%2</translation>
    </message>
    <message>
        <source>%1: cannot read: it is a folder, not a regular file</source>
        <translation>%1：无法读取：它是文件夹，不是普通文件</translation>
    </message>
    <message>
        <source>%1: cannot read: it is a FIFO (named pipe), not a regular file</source>
        <translation>%1：无法读取：它是 FIFO（命名管道），不是普通文件</translation>
    </message>
    <message>
        <source>%1: cannot read: it is a socket, not a regular file</source>
        <translation>%1：无法读取：它是套接字，不是普通文件</translation>
    </message>
    <message>
        <source>%1: cannot read: it is a device, not a regular file</source>
        <translation>%1：无法读取：它是设备，不是普通文件</translation>
    </message>
    <message>
        <source>%1: cannot read: it is not a regular file, not a regular file</source>
        <translation>%1：无法读取：它不是普通文件</translation>
    </message>
    <message>
        <source>layer &apos;%1&apos; (%2): %3</source>
        <translation>层 &apos;%1&apos;（%2）：%3</translation>
    </message>
    <message>
        <source>%1: %2: %3</source>
        <translation>%1：%2：%3</translation>
    </message>
    <message>
        <source>damaged: its content does not match its SHA-256 (&quot;sha256&quot;); it was changed after the run wrote it. Restore it from a copy, or delete the &quot;sha256&quot; line to accept the file as it is</source>
        <translation>已损坏：其内容与它的 SHA-256（&quot;sha256&quot;）不符；运行写入它之后它被改动过。请从副本恢复，或删除 &quot;sha256&quot; 一行以按原样接受该文件</translation>
    </message>
    <message>
        <source>expected an integer, got %1</source>
        <translation>应为整数，实际为 %1</translation>
    </message>
    <message>
        <source>expected 0..%1, got %2</source>
        <translation>应为 0..%1，实际为 %2</translation>
    </message>
    <message>
        <source>expected a number, got %1</source>
        <translation>应为数，实际为 %1</translation>
    </message>
    <message>
        <source>expected an array of numbers, got %1</source>
        <translation>应为数的数组，实际为 %1</translation>
    </message>
    <message>
        <source>the training process ended without finishing the run (killed, crashed or the machine stopped) after %1 epoch(s); train --resume continues it</source>
        <translation>训练进程在 %1 个轮次后未完成运行就结束了（被终止、崩溃或机器停机）；train --resume 可继续这次运行</translation>
    </message>
    <message>
        <source>%1: not a regular file; no metrics read</source>
        <translation>%1：不是普通文件；未读取任何指标</translation>
    </message>
    <message>
        <source>%1: line %2 is torn (the run was killed while writing it) and was skipped</source>
        <translation>%1：第 %2 行不完整（运行在写入它时被终止），已跳过</translation>
    </message>
    <message>
        <source>%1: line %2 is not a JSON object and was skipped</source>
        <translation>%1：第 %2 行不是 JSON 对象，已跳过</translation>
    </message>
    <message>
        <source>%1: cannot read its size: %2</source>
        <translation>%1：无法读取其大小：%2</translation>
    </message>
    <message>
        <source>%1: cannot read</source>
        <translation>%1：无法读取</translation>
    </message>
    <message>
        <source>%1: cannot drop its torn last line: %2</source>
        <translation>%1：无法删除其不完整的末行：%2</translation>
    </message>
    <message>
        <source>%1: the run is training now (its process holds run.lock); rename it once it has ended or been stopped</source>
        <translation>%1：该运行正在训练（其进程持有 run.lock）；请在它结束或被停止后再重命名</translation>
    </message>
    <message>
        <source>%1: the run is training now (its process holds run.lock); change its note once it has ended or been stopped</source>
        <translation>%1：该运行正在训练（其进程持有 run.lock）；请在它结束或被停止后再修改备注</translation>
    </message>
    <message>
        <source>%1: the run is training now (its process holds run.lock); delete it once it has ended or been stopped</source>
        <translation>%1：该运行正在训练（其进程持有 run.lock）；请在它结束或被停止后再删除</translation>
    </message>
    <message>
        <source>%1: not a run folder (no run.json)</source>
        <translation>%1：不是运行文件夹（没有 run.json）</translation>
    </message>
    <message>
        <source>%1: the name has %2 bytes; at most %3 are allowed</source>
        <translation>%1：名称有 %2 字节；最多允许 %3 字节</translation>
    </message>
    <message>
        <source>%1: a run&apos;s name is one line; it has a line break</source>
        <translation>%1：运行名称只能是一行；它含有换行符</translation>
    </message>
    <message>
        <source>%1: the note has %2 bytes; at most %3 are allowed</source>
        <translation>%1：备注有 %2 字节；最多允许 %3 字节</translation>
    </message>
    <message>
        <source>%1: dataset file not found; the test split is needed to evaluate</source>
        <translation>%1：找不到数据集文件；评估需要测试集</translation>
    </message>
    <message>
        <source>test sample %1 does not exist (the test split has %2)</source>
        <translation>测试样本 %1 不存在（测试集共有 %2 个样本）</translation>
    </message>
    <message>
        <source>epoch %1, batch %2: forward pass failed: %3</source>
        <translation>第 %1 轮第 %2 批：前向传播失败：%3</translation>
    </message>
    <message>
        <source>epoch %1, batch %2: forward pass failed in %3</source>
        <translation>第 %1 轮第 %2 批：前向传播在 %3 失败</translation>
    </message>
    <message>
        <source>%1 is missing or not an object</source>
        <translation>%1 缺失或不是对象</translation>
    </message>
    <message>
        <source>%1 is missing or not an array</source>
        <translation>%1 缺失或不是数组</translation>
    </message>
    <message>
        <source>%1 must have 1 to 4 entries</source>
        <translation>%1 必须有 1 到 4 项</translation>
    </message>
    <message>
        <source>%1 entries must be integers from 1 to %2</source>
        <translation>%1 的各项必须是 1 到 %2 之间的整数</translation>
    </message>
    <message>
        <source>%1 has more than %2 elements</source>
        <translation>%1 的元素多于 %2 个</translation>
    </message>
    <message>
        <source>%1 is not a string</source>
        <translation>%1 不是字符串</translation>
    </message>
    <message>
        <source>%1 is not a list of names</source>
        <translation>%1 不是名称列表</translation>
    </message>
    <message>
        <source>%1 is not an object</source>
        <translation>%1 不是对象</translation>
    </message>
    <message>
        <source>%1 must be a finite number other than 0</source>
        <translation>%1 必须是非 0 的有限数</translation>
    </message>
    <message>
        <source>%1 has %2 entries but mean has %3</source>
        <translation>%1 有 %2 项，但 mean 有 %3 项</translation>
    </message>
    <message>
        <source>%1 has %2 entries for %3 input channel(s)</source>
        <translation>%1 有 %2 项，而输入有 %3 个通道</translation>
    </message>
    <message>
        <source>the import was cancelled</source>
        <translation>导入已取消</translation>
    </message>
    <message>
        <source>stopped while reading the data, before the first epoch</source>
        <translation>在读取数据时（第一轮之前）已停止</translation>
    </message>
    <message>
        <source>data: %1 input(s) could not be read and were left out; the first: %2: %3</source>
        <translation>数据：有 %1 个输入无法读取，已排除；第一个：%2：%3</translation>
    </message>
    <message>
        <source>/preprocess/augment: the Input layer takes token ids (int64), which cannot be augmented; turn augmentation off</source>
        <translation>/preprocess/augment：输入层接收词元 ID（int64），无法进行增强；请关闭数据增强</translation>
    </message>
    <message>
        <source>/preprocess/augment: the image augmentations need image samples [C, H, W]; /dataset/sample_shape is %1</source>
        <translation>/preprocess/augment：图像增强需要图像样本 [C, H, W]；/dataset/sample_shape 为 %1</translation>
    </message>
    <message>
        <source>/preprocess/augment/feature_noise: applies to 1-D samples (table rows); /dataset/sample_shape is %1</source>
        <translation>/preprocess/augment/feature_noise：仅适用于一维样本（表格行）；/dataset/sample_shape 为 %1</translation>
    </message>
    <message>
        <source>%1:%2: a quoted field is not closed (its quote opens on this line and the file ends inside it)</source>
        <translation>%1:%2：带引号的字段未闭合（引号在此行开始，文件在其中结束）</translation>
    </message>
    <message>
        <source>%1:%2: unexpected text after the closing quote of field %3</source>
        <translation>%1:%2：字段 %3 的闭合引号之后有多余文本</translation>
    </message>
    <message>
        <source>%1:%2: more than %3 fields in one row</source>
        <translation>%1:%2：一行中超过 %3 个字段</translation>
    </message>
    <message>
        <source>%1:%2: more than %3 rows</source>
        <translation>%1:%2：超过 %3 行</translation>
    </message>
    <message>
        <source>%1: cannot be written: %2</source>
        <translation>%1：无法写入：%2</translation>
    </message>
    <message>
        <source>class &quot;%1&quot; has no image that could be read; remove it or add images</source>
        <translation>类别“%1”没有可读取的图像；请删除该类别或添加图像</translation>
    </message>
    <message>
        <source>%1 of %2 training images could not be read and are left out (listed as skipped)</source>
        <translation>%2 张训练图像中有 %1 张无法读取，已排除（列为已跳过）</translation>
    </message>
    <message>
        <source>%1 of %2 test images could not be read and are left out (listed as skipped)</source>
        <translation>%2 张测试图像中有 %1 张无法读取，已排除（列为已跳过）</translation>
    </message>
    <message>
        <source>class &quot;%1&quot; has a single training image; add more for it to be learnt</source>
        <translation>类别“%1”只有一张训练图像；请添加更多图像以便学习</translation>
    </message>
    <message>
        <source>%1: no such file or folder</source>
        <translation>%1：没有此文件或文件夹</translation>
    </message>
    <message>
        <source>%1: no PNG, JPEG or BMP image in this folder or below it</source>
        <translation>%1：此文件夹及其子文件夹中没有 PNG、JPEG 或 BMP 图像</translation>
    </message>
    <message>
        <source>the model&apos;s preprocessing record has no image settings; it was not trained on images</source>
        <translation>模型的预处理记录中没有图像设置；它不是用图像训练的</translation>
    </message>
    <message>
        <source>the model&apos;s preprocessing record names an unknown resize policy</source>
        <translation>模型的预处理记录指定了未知的缩放方式</translation>
    </message>
    <message>
        <source>the model&apos;s preprocessing record has malformed image settings</source>
        <translation>模型的预处理记录中的图像设置格式错误</translation>
    </message>
    <message>
        <source>%1: images are samples of shape [C, H, W] but /dataset/sample_shape declares %2</source>
        <translation>%1：图像样本的形状为 [C, H, W]，但 /dataset/sample_shape 声明为 %2</translation>
    </message>
    <message>
        <source>%1: most images are %2 (%3 channel(s)) but /dataset/sample_shape declares %4 channel(s); set /dataset/image/channels or the sample shape</source>
        <translation>%1：大多数图像为 %2（%3 个通道），但 /dataset/sample_shape 声明了 %4 个通道；请设置 /dataset/image/channels 或样本形状</translation>
    </message>
    <message>
        <source>%1: /dataset/image/channels is %2 (%3 channel(s)) but /dataset/sample_shape declares %4</source>
        <translation>%1：/dataset/image/channels 为 %2（%3 个通道），但 /dataset/sample_shape 声明为 %4</translation>
    </message>
    <message>
        <source>/dataset/image/resize: expected stretch or crop, got &quot;%1&quot;</source>
        <translation>/dataset/image/resize：应为 stretch 或 crop，实际为“%1”</translation>
    </message>
    <message>
        <source>%1: the table is empty: it holds no rows</source>
        <translation>%1：表格为空：没有任何行</translation>
    </message>
    <message>
        <source>%1: the table has %2 row(s), and /dataset/csv/skip_rows skips %3: no rows are left</source>
        <translation>%1：表格有 %2 行，/dataset/csv/skip_rows 跳过 %3 行：没有剩余的行</translation>
    </message>
    <message>
        <source>%1: the table has a header (line %2) but no data rows</source>
        <translation>%1：表格有表头（第 %2 行）但没有数据行</translation>
    </message>
    <message>
        <source>%1:%2: the row has %3 field(s) but the header (line %4) has %5; every row needs one field per column</source>
        <translation>%1:%2：该行有 %3 个字段，但表头（第 %4 行）有 %5 个；每行的每一列都需要一个字段</translation>
    </message>
    <message>
        <source>%1:%2: the row has %3 field(s) but the first row (line %4) has %5; every row needs one field per column</source>
        <translation>%1:%2：该行有 %3 个字段，但第一行（第 %4 行）有 %5 个；每行的每一列都需要一个字段</translation>
    </message>
    <message>
        <source>%1: there is no column &apos;%2&apos; for the target (/dataset/csv/target); the columns are: %3</source>
        <translation>%1：没有用作目标的列“%2”（/dataset/csv/target）；现有列为：%3</translation>
    </message>
    <message>
        <source>%1: there is no column &apos;%2&apos; (/dataset/csv/features/%3); the columns are: %4</source>
        <translation>%1：没有列“%2”（/dataset/csv/features/%3）；现有列为：%4</translation>
    </message>
    <message>
        <source>%1: the column &apos;%2&apos; is both the target and a feature (/dataset/csv/features/%3)</source>
        <translation>%1：列“%2”既是目标又是特征（/dataset/csv/features/%3）</translation>
    </message>
    <message>
        <source>%1: no feature columns are left besides the target &apos;%2&apos;</source>
        <translation>%1：除目标“%2”外没有剩余的特征列</translation>
    </message>
    <message>
        <source>the value of &apos;%1&apos; is missing</source>
        <translation>缺少“%1”的值</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a number in the numeric column &apos;%2&apos;</source>
        <translation>“%1”在数值列“%2”中不是数字</translation>
    </message>
    <message>
        <source>the target &apos;%1&apos; is missing</source>
        <translation>缺少目标“%1”</translation>
    </message>
    <message>
        <source>the target &apos;%1&apos; is not a number in the column &apos;%2&apos;</source>
        <translation>目标“%1”在列“%2”中不是数字</translation>
    </message>
    <message>
        <source>%1:%2: the target column &apos;%3&apos; has more than %4 distinct values (this row brings value %5, &apos;%6&apos;): is it an identifier or a real value? Pick another target, set /dataset/csv/task to &quot;regression&quot;, or raise /dataset/csv/max_classes</source>
        <translation>%1:%2：目标列“%3”有超过 %4 个不同的值（此行带来第 %5 个值“%6”）：它是标识符还是实数值？请选择其他目标列、将 /dataset/csv/task 设为 &quot;regression&quot;，或调高 /dataset/csv/max_classes</translation>
    </message>
    <message>
        <source>%1: the target column &apos;%2&apos; holds the value(s) %3 that /dataset/class_names (%4) does not name</source>
        <translation>%1：目标列“%2”包含 /dataset/class_names（%4）中没有的值 %3</translation>
    </message>
    <message>
        <source>%1: the target column &apos;%2&apos; has %3 classes (%4) but /dataset/num_classes is %5; set num_classes to %3 and class_names to %6</source>
        <translation>%1：目标列“%2”有 %3 个类别（%4），但 /dataset/num_classes 为 %5；请将 num_classes 设为 %3，class_names 设为 %6</translation>
    </message>
    <message>
        <source>%1: the numeric column &apos;%2&apos; holds values too large to standardise (their mean or spread is not a finite number)</source>
        <translation>%1：数值列“%2”的值过大，无法标准化（其均值或离散度不是有限数）</translation>
    </message>
    <message>
        <source>%1: %2 categorical value(s) were not seen in the training rows and are encoded as no category</source>
        <translation>%1：有 %2 个类别值未在训练行中出现，编码为无类别</translation>
    </message>
    <message>
        <source>%1: none of the %2 data row(s) can be used (the first problem, line %3: %4)</source>
        <translation>%1：%2 个数据行都无法使用（第一个问题，第 %3 行：%4）</translation>
    </message>
    <message>
        <source>%1: /dataset/csv/test_fraction leaves no training rows out of %2</source>
        <translation>%1：/dataset/csv/test_fraction 使 %2 行中没有剩余的训练行</translation>
    </message>
    <message>
        <source>%1: the test table has no column &apos;%2&apos;, which the training table %3 has</source>
        <translation>%1：测试表没有列“%2”，而训练表 %3 有该列</translation>
    </message>
    <message>
        <source>the class &apos;%1&apos; is not among the training table&apos;s classes</source>
        <translation>类别“%1”不在训练表的类别中</translation>
    </message>
    <message>
        <source>%1: the features encode to %2 values per row (%3 numeric column(s), %4 one-hot value(s) for %5 categorical column(s)), but /dataset/sample_shape declares %6; set it to [%2]</source>
        <translation>%1：特征编码后每行 %2 个值（%3 个数值列，%5 个类别列的 %4 个独热值），但 /dataset/sample_shape 声明为 %6；请设为 [%2]</translation>
    </message>
    <message>
        <source>%1: %2 row(s) skipped for missing or non-numeric values (the first, line %3: %4)</source>
        <translation>%1：因缺失或非数值的值跳过了 %2 行（第一个，第 %3 行：%4）</translation>
    </message>
    <message>
        <source>%1: folder not found</source>
        <translation>%1：找不到文件夹</translation>
    </message>
    <message>
        <source>%1: cannot be listed: %2</source>
        <translation>%1：无法列出内容：%2</translation>
    </message>
    <message>
        <source>%1: no class folders, but %2 images directly in it: an image folder holds one subfolder of images per class (FOLDER/CLASS_NAME/image.png)</source>
        <translation>%1：没有类别文件夹，但其中直接有 %2 张图像：图像文件夹应为每个类别包含一个图像子文件夹（文件夹/类别名/image.png）</translation>
    </message>
    <message>
        <source>%1: no class folders: an image folder holds one subfolder of images per class (FOLDER/CLASS_NAME/image.png)</source>
        <translation>%1：没有类别文件夹：图像文件夹应为每个类别包含一个图像子文件夹（文件夹/类别名/image.png）</translation>
    </message>
    <message>
        <source>%1: the class folder has no PNG, JPEG or BMP image; remove it or add images</source>
        <translation>%1：该类别文件夹中没有 PNG、JPEG 或 BMP 图像；请删除它或添加图像</translation>
    </message>
    <message>
        <source>%1: the class folders are [%2] but /dataset/class_names lists [%3]; `torchwright-cli validate --fix PROJECT` writes the folders&apos; names into the project</source>
        <translation>%1：类别文件夹为 [%2]，但 /dataset/class_names 列出的是 [%3]；`torchwright-cli validate --fix PROJECT` 会把文件夹名称写入项目</translation>
    </message>
    <message>
        <source>%1: %2 class folders but /dataset/num_classes is %3; `torchwright-cli validate --fix PROJECT` writes the folders&apos; classes into the project</source>
        <translation>%1：有 %2 个类别文件夹，但 /dataset/num_classes 为 %3；`torchwright-cli validate --fix PROJECT` 会把文件夹的类别写入项目</translation>
    </message>
    <message>
        <source>%1: the test class folder &quot;%2&quot; is not among the training classes</source>
        <translation>%1：测试类别文件夹“%2”不在训练类别中</translation>
    </message>
    <message>
        <source>%1: empty file: expected a header naming the columns %2 and %3</source>
        <translation>%1：空文件：应有命名列 %2 和 %3 的表头</translation>
    </message>
    <message>
        <source>%1:1: no column &quot;%2&quot; (the columns are: %3); set /dataset/image_list/image_column and label_column</source>
        <translation>%1:1：没有列“%2”（现有列为：%3）；请设置 /dataset/image_list/image_column 和 label_column</translation>
    </message>
    <message>
        <source>%1:%2: the row has no image file or no label (%3 fields, the header has %4)</source>
        <translation>%1:%2：该行没有图像文件或没有标签（%3 个字段，表头有 %4 个）</translation>
    </message>
    <message>
        <source>%1: lists no image</source>
        <translation>%1：未列出任何图像</translation>
    </message>
    <message>
        <source>%1: the labels go up to %2 but /dataset/num_classes is %3</source>
        <translation>%1：标签最大为 %2，但 /dataset/num_classes 为 %3</translation>
    </message>
    <message>
        <source>%1: the labels name the classes [%2] but the project has %3 classes named [%4]; `torchwright-cli validate --fix PROJECT` writes the labels&apos; classes into the project</source>
        <translation>%1：标签命名的类别为 [%2]，但项目有 %3 个类别，名为 [%4]；`torchwright-cli validate --fix PROJECT` 会把标签的类别写入项目</translation>
    </message>
    <message>
        <source>%1: %2 rows have no image file or no label and are left out</source>
        <translation>%1：有 %2 行没有图像文件或标签，已排除</translation>
    </message>
    <message>
        <source>%1: the %2 header gives a size of %3x%4 pixels</source>
        <translation>%1：%2 文件头给出的尺寸为 %3x%4 像素</translation>
    </message>
    <message>
        <source>%1: %2x%3 pixels is larger than an image may be (%4 values); refused before decoding</source>
        <translation>%1：%2x%3 像素超过了图像允许的大小（%4 个值）；在解码前已拒绝</translation>
    </message>
    <message>
        <source>%1: empty file (0 bytes)</source>
        <translation>%1：空文件（0 字节）</translation>
    </message>
    <message>
        <source>%1: truncated or corrupt PNG: no IHDR header</source>
        <translation>%1：PNG 被截断或已损坏：没有 IHDR 头</translation>
    </message>
    <message>
        <source>%1: corrupt PNG: colour type %2</source>
        <translation>%1：PNG 已损坏：颜色类型 %2</translation>
    </message>
    <message>
        <source>%1: corrupt JPEG: %2</source>
        <translation>%1：JPEG 已损坏：%2</translation>
    </message>
    <message>
        <source>%1: corrupt BMP: %2</source>
        <translation>%1：BMP 已损坏：%2</translation>
    </message>
    <message>
        <source>%1: not a PNG, JPEG or BMP image</source>
        <translation>%1：不是 PNG、JPEG 或 BMP 图像</translation>
    </message>
    <message>
        <source>%1: images are decoded to 1 or 3 channels, not %2</source>
        <translation>%1：图像只能解码为 1 或 3 个通道，而不是 %2</translation>
    </message>
    <message>
        <source>%1: %2 pixels is larger than an image may be; refused before decoding</source>
        <translation>%1：%2 像素超过了图像允许的大小；在解码前已拒绝</translation>
    </message>
    <message>
        <source>%1: corrupt or truncated PNG: %2</source>
        <translation>%1：PNG 已损坏或被截断：%2</translation>
    </message>
    <message>
        <source>%1: corrupt or truncated JPEG: %2</source>
        <translation>%1：JPEG 已损坏或被截断：%2</translation>
    </message>
    <message>
        <source>%1: corrupt or truncated BMP: %2</source>
        <translation>%1：BMP 已损坏或被截断：%2</translation>
    </message>
    <message>
        <source>%1: cannot be opened: %2</source>
        <translation>%1：无法打开：%2</translation>
    </message>
    <message>
        <source>%1: not a regular file</source>
        <translation>%1：不是普通文件</translation>
    </message>
    <message>
        <source>%1: %2 bytes is larger than an image file may be</source>
        <translation>%1：%2 字节超过了图像文件允许的大小</translation>
    </message>
    <message>
        <source>the target is a real value (regression, /dataset/csv/task), which is learned with the mse loss; got &quot;%1&quot;</source>
        <translation>目标是实数值（回归，/dataset/csv/task），应使用 mse 损失学习；实际为“%1”</translation>
    </message>
    <message>
        <source>the target is a real value (regression, /dataset/csv/task): there is no accuracy to watch; watch val_loss</source>
        <translation>目标是实数值（回归，/dataset/csv/task）：没有准确率可监视；请监视 val_loss</translation>
    </message>
    <message>
        <source>the output layer &apos;%1&apos; gives %2 per sample, but a regression (/dataset/csv/task) predicts one value: it must give 1</source>
        <translation>输出层“%1”每个样本输出 %2，但回归（/dataset/csv/task）只预测一个值：它必须输出 1</translation>
    </message>
    <message>
        <source>the table file is empty; give the CSV file in the dataset folder</source>
        <translation>表格文件为空；请给出数据集文件夹中的 CSV 文件</translation>
    </message>
    <message>
        <source>the target column is empty; give its name or 0-based index</source>
        <translation>目标列为空；请给出其名称或从 0 开始的索引</translation>
    </message>
    <message>
        <source>the training list is empty; name the CSV file listing the training images</source>
        <translation>训练列表为空；请指定列出训练图像的 CSV 文件</translation>
    </message>
    <message>
        <source>applies to image samples [C, H, W]; /dataset/sample_shape is %1; set it to 0</source>
        <translation>仅适用于图像样本 [C, H, W]；/dataset/sample_shape 为 %1；请设为 0</translation>
    </message>
    <message>
        <source>applies to 1-D samples (table rows); /dataset/sample_shape is %1; set it to 0</source>
        <translation>仅适用于一维样本（表格行）；/dataset/sample_shape 为 %1；请设为 0</translation>
    </message>
    <message>
        <source>augmentation on for training batches: %1</source>
        <translation>训练批次已开启数据增强：%1</translation>
    </message>
    <message>
        <source>feedback samples are %1 but the training data&apos;s are %2</source>
        <translation>反馈样本为 %1，但训练数据的样本为 %2</translation>
    </message>
    <message>
        <source>%1: cannot lock: %2</source>
        <translation>%1：无法加锁：%2</translation>
    </message>
    <message>
        <source>%1: cannot cut off the damaged last line: %2</source>
        <translation>%1：无法截掉损坏的最后一行：%2</translation>
    </message>
    <message>
        <source>%1: cannot read: %2</source>
        <translation>%1：无法读取：%2</translation>
    </message>
    <message>
        <source>%1: line %2 is cut short (a write was interrupted); it is skipped and the next write removes it</source>
        <translation>%1：第 %2 行被截断（写入被中断）；已跳过该行，下次写入时会将其删除</translation>
    </message>
    <message>
        <source>%1: line %2 is damaged (not a feedback event); it is skipped</source>
        <translation>%1：第 %2 行已损坏（不是反馈事件）；已跳过</translation>
    </message>
    <message>
        <source>%1: line %2 repeats item %3; the repetition is skipped</source>
        <translation>%1：第 %2 行重复了条目 %3；已跳过重复项</translation>
    </message>
    <message>
        <source>%1: line %2 refers to item %3, which has no earlier prediction; it is skipped</source>
        <translation>%1：第 %2 行引用的条目 %3 之前没有预测；已跳过</translation>
    </message>
    <message>
        <source>%1: line %2 has an unknown event &apos;%3&apos;; it is skipped</source>
        <translation>%1：第 %2 行包含未知事件 &apos;%3&apos;；已跳过</translation>
    </message>
    <message>
        <source>%1: the label must be a class number from 0 or a class name</source>
        <translation>%1：标签必须是从 0 开始的类别编号或类别名称</translation>
    </message>
    <message>
        <source>%1: the correct value must be a finite number</source>
        <translation>%1：正确值必须是有限数</translation>
    </message>
    <message>
        <source>%1: no feedback item has the id &apos;%2&apos;</source>
        <translation>%1：没有 id 为 &apos;%2&apos; 的反馈条目</translation>
    </message>
    <message>
        <source>item %1 has no prediction to confirm; mark it wrong with the correct label</source>
        <translation>条目 %1 没有可确认的预测；请将其标记为错误并给出正确标签</translation>
    </message>
    <message>
        <source>item %1: the correct class must be a number from 0, got %2</source>
        <translation>条目 %1：正确类别必须是从 0 开始的数字，实际为 %2</translation>
    </message>
    <message>
        <source>item %1: the correct value must be a finite number</source>
        <translation>条目 %1：正确值必须是有限数</translation>
    </message>
    <message>
        <source>item %1 has no review to undo</source>
        <translation>条目 %1 没有可撤销的审核</translation>
    </message>
    <message>
        <source>%1: no feedback log here (expected a feedback store folder or a feedback.jsonl file)</source>
        <translation>%1：此处没有反馈日志（应为反馈存储文件夹或 feedback.jsonl 文件）</translation>
    </message>
    <message>
        <source>%1:%2: no row of the table starts on this line</source>
        <translation>%1:%2：表格中没有任何一行从这一行开始</translation>
    </message>
    <message>
        <source>%1: %2 prediction(s) for %3 input(s); nothing was logged</source>
        <translation>%1：%3 个输入得到 %2 个预测；未记录任何内容</translation>
    </message>
    <message>
        <source>the review gives no correct class</source>
        <translation>审核未给出正确类别</translation>
    </message>
    <message>
        <source>the item has no input</source>
        <translation>该条目没有输入</translation>
    </message>
    <message>
        <source>%1: holds %2 samples, not one</source>
        <translation>%1：包含 %2 个样本，而不是一个</translation>
    </message>
    <message>
        <source>feedback item %1: %2</source>
        <translation>反馈条目 %1：%2</translation>
    </message>
    <message>
        <source>fine-tuning from %1: %2 reviewed feedback item(s) train, each seen %3 time(s) per epoch, beside %4 of the original training data; %5 more validate</source>
        <translation>从 %1 微调：%2 个已审核的反馈条目用于训练，每个在每个 epoch 中出现 %3 次，另加 %4 的原始训练数据；另有 %5 个用于验证</translation>
    </message>
    <message>
        <source>feedback: %1 left out: %2</source>
        <translation>反馈：有 %1 个被排除：%2</translation>
    </message>
    <message>
        <source>%1: feedback item %2, which this run trained on, is no longer reviewed in the store; the run cannot continue on the same data</source>
        <translation>%1：本次运行训练所用的反馈条目 %2 在存储中已不再是已审核状态；运行无法在相同数据上继续</translation>
    </message>
    <message>
        <source>fine-tuning has nothing to train on: no reviewed feedback items outside the feedback set, and /finetune/replay_fraction is 0</source>
        <translation>微调没有可训练的内容：反馈集之外没有已审核的反馈条目，且 /finetune/replay_fraction 为 0</translation>
    </message>
    <message>
        <source>%1: cannot create the versions folder: %2</source>
        <translation>%1：无法创建版本文件夹：%2</translation>
    </message>
    <message>
        <source>%1: cannot create the registry&apos;s lock file: %2</source>
        <translation>%1：无法创建登记表的锁文件：%2</translation>
    </message>
    <message>
        <source>%1: cannot lock the registry: %2</source>
        <translation>%1：无法锁定登记表：%2</translation>
    </message>
    <message>
        <source>%1: damaged, not readable as JSON: %2</source>
        <translation>%1：已损坏，无法作为 JSON 读取：%2</translation>
    </message>
    <message>
        <source>damaged: its content does not match its SHA-256 (&quot;sha256&quot;); restore it from a copy, or delete the &quot;sha256&quot; line to accept the file as it is</source>
        <translation>已损坏：其内容与其 SHA-256（&quot;sha256&quot;）不符；请从副本恢复，或删除 &quot;sha256&quot; 行以按现状接受该文件</translation>
    </message>
    <message>
        <source>expected &quot;%1&quot;</source>
        <translation>应为 &quot;%1&quot;</translation>
    </message>
    <message>
        <source>expected a string</source>
        <translation>应为字符串</translation>
    </message>
    <message>
        <source>expected an array</source>
        <translation>应为数组</translation>
    </message>
    <message>
        <source>expected register, promote or rollback, got &apos;%1&apos;</source>
        <translation>应为 register、promote 或 rollback，实际为 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>expected true or false, got %1</source>
        <translation>应为 true 或 false，实际为 %1</translation>
    </message>
    <message>
        <source>damaged: its content does not match its SHA-256 (&quot;sha256&quot;); the version&apos;s record was changed after it was registered</source>
        <translation>已损坏：其内容与其 SHA-256（&quot;sha256&quot;）不符；该版本的记录在登记后被修改过</translation>
    </message>
    <message>
        <source>says &apos;%1&apos; but its folder is &apos;%2&apos;</source>
        <translation>记为 &apos;%1&apos;，但其文件夹为 &apos;%2&apos;</translation>
    </message>
    <message>
        <source>expected an integer</source>
        <translation>应为整数</translation>
    </message>
    <message>
        <source>expected an array of strings</source>
        <translation>应为字符串数组</translation>
    </message>
    <message>
        <source>%1: dataset file not found; the test split is needed to measure versions</source>
        <translation>%1：未找到数据集文件；衡量版本需要测试集</translation>
    </message>
    <message>
        <source>test R^2 was not measured for both versions; the gate cannot compare them</source>
        <translation>两个版本的测试 R^2 未都测量；门槛无法比较它们</translation>
    </message>
    <message>
        <source>test R^2 %1 -&gt; %2 (%3 points x100; a drop of at most %4 allowed)</source>
        <translation>测试 R^2 %1 -&gt; %2（%3 个百分点 x100；最多允许下降 %4）</translation>
    </message>
    <message>
        <source>test accuracy was not measured for both versions; the gate cannot compare them</source>
        <translation>两个版本的测试准确率未都测量；门槛无法比较它们</translation>
    </message>
    <message>
        <source>test accuracy %1 -&gt; %2 (%3 points; a drop of at most %4 allowed)</source>
        <translation>测试准确率 %1 -&gt; %2（%3 个百分点；最多允许下降 %4）</translation>
    </message>
    <message>
        <source>no feedback set: no reviewed feedback item is held out to measure the versions on, so feedback accuracy cannot rise</source>
        <translation>没有反馈集：没有留出任何已审核的反馈条目来衡量版本，因此反馈准确率无法提升</translation>
    </message>
    <message>
        <source>feedback-set R^2 %1 -&gt; %2 on %3 item(s) (must rise)</source>
        <translation>反馈集 R^2 %1 -&gt; %2，基于 %3 个条目（必须提升）</translation>
    </message>
    <message>
        <source>feedback-set accuracy %1 -&gt; %2 on %3 item(s) (must rise)</source>
        <translation>反馈集准确率 %1 -&gt; %2，基于 %3 个条目（必须提升）</translation>
    </message>
    <message>
        <source>%1: no model versions yet; register a run first</source>
        <translation>%1：还没有模型版本；请先登记一个运行</translation>
    </message>
    <message>
        <source>%1: no version &apos;%2&apos; (versions: %3)</source>
        <translation>%1：没有版本 &apos;%2&apos;（现有版本：%3）</translation>
    </message>
    <message>
        <source>%1: the run was trained from another project (%2), not %3</source>
        <translation>%1：该运行是由另一个项目（%2）训练的，而不是 %3</translation>
    </message>
    <message>
        <source>%1: the run is training now; register it once it has ended</source>
        <translation>%1：该运行正在训练；请在其结束后再登记</translation>
    </message>
    <message>
        <source>checkpoint: expected best or last, got &apos;%1&apos;</source>
        <translation>检查点：应为 best 或 last，实际为 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>%1: the run has no checkpoint (%2 without best.pt or last.pt); it cannot become a version</source>
        <translation>%1：该运行没有检查点（%2 中没有 best.pt 或 last.pt）；无法成为版本</translation>
    </message>
    <message>
        <source>%1: the run&apos;s model takes %2 and gives %3 classes; the project&apos;s takes %4 and gives %5</source>
        <translation>%1：该运行的模型接受 %2 并输出 %3 个类别；项目的模型接受 %4 并输出 %5 个类别</translation>
    </message>
    <message>
        <source>%1: a promotion needs a reason (--reason TEXT); none was given</source>
        <translation>%1：提升需要说明原因（--reason TEXT）；未提供原因</translation>
    </message>
    <message>
        <source>%1 is the current version already; there is nothing to promote</source>
        <translation>%1 已经是当前版本；无需提升</translation>
    </message>
    <message>
        <source>%1; %2</source>
        <translation>%1；%2</translation>
    </message>
    <message>
        <source>%1 did not pass the promotion gate against %2: %3. Promote with an override to do it anyway (recorded with the reason)</source>
        <translation>%1 未通过相对于 %2 的提升门槛：%3。如仍要提升，请使用强制覆盖（会连同原因一起记录）</translation>
    </message>
    <message>
        <source>%1: no model versions yet; register a run before fine-tuning</source>
        <translation>%1：还没有模型版本；微调前请先登记一个运行</translation>
    </message>
    <message>
        <source>%1 takes %2 and gives %3 classes; the project&apos;s model takes %4 and gives %5: it cannot be fine-tuned from that version</source>
        <translation>%1 接受 %2 并输出 %3 个类别；项目的模型接受 %4 并输出 %5 个类别：无法从该版本微调</translation>
    </message>
    <message>
        <source>%1: no preprocessing record</source>
        <translation>%1：没有预处理记录</translation>
    </message>
    <message>
        <source>test sample %1 does not exist: the test split has %2 samples (0 to %3)</source>
        <translation>测试样本 %1 不存在：测试集有 %2 个样本（0 到 %3）</translation>
    </message>
    <message>
        <source>%1: cannot create a temporary folder for the exports</source>
        <translation>%1：无法为导出文件创建临时文件夹</translation>
    </message>
    <message>
        <source>%1: cannot read the file&apos;s size: %2</source>
        <translation>%1：无法读取文件大小：%2</translation>
    </message>
    <message>
        <source>%1: not a run folder (it has no run.json)</source>
        <translation>%1：不是运行文件夹（其中没有 run.json）</translation>
    </message>
    <message>
        <source>%1: the run cannot be read: %2</source>
        <translation>%1：无法读取该运行：%2</translation>
    </message>
    <message>
        <source>made from %1, not from the original</source>
        <translation>由 %1 生成，而非由原始模型生成</translation>
    </message>
    <message>
        <source>not a compressed run</source>
        <translation>不是压缩后的运行</translation>
    </message>
    <message>
        <source>%1: the quantized run has no %2</source>
        <translation>%1：量化后的运行没有 %2</translation>
    </message>
    <message>
        <source>Measuring %1: parameters, multiply-adds and the exports&apos; sizes</source>
        <translation>正在测量 %1：参数、乘加运算及导出文件的大小</translation>
    </message>
    <message>
        <source>int8: no TorchScript form, its ONNX file is the int8 model</source>
        <translation>int8：没有 TorchScript 形式，其 ONNX 文件即为 int8 模型</translation>
    </message>
    <message>
        <source>this build has no ONNX export</source>
        <translation>此构建不支持 ONNX 导出</translation>
    </message>
    <message>
        <source>no ONNX file: %1</source>
        <translation>没有 ONNX 文件：%1</translation>
    </message>
    <message>
        <source>%1: dataset file not found; the test split is needed to measure the run</source>
        <translation>%1：未找到数据集文件；测量该运行需要测试集划分</translation>
    </message>
    <message>
        <source>Measuring %1: reading the test split</source>
        <translation>正在测量 %1：读取测试集划分</translation>
    </message>
    <message>
        <source>%1: the test split is empty; nothing to measure on</source>
        <translation>%1：测试集划分为空；没有可用于测量的数据</translation>
    </message>
    <message>
        <source>Measuring %1: LibTorch latency at batch 1 and 64, %2 runs each</source>
        <translation>正在测量 %1：批大小为 1 和 64 时的 LibTorch 延迟，各运行 %2 次</translation>
    </message>
    <message>
        <source>no LibTorch int8 form: LibTorch latency not measured</source>
        <translation>没有 LibTorch int8 形式：未测量 LibTorch 延迟</translation>
    </message>
    <message>
        <source>Measuring %1: ONNX Runtime latency at batch 1 and 64, %2 runs each%3</source>
        <translation>正在测量 %1：批大小为 1 和 64 时的 ONNX Runtime 延迟，各运行 %2 次%3</translation>
    </message>
    <message>
        <source>%1: ONNX Runtime returned no output for each of the %2 test samples</source>
        <translation>%1：ONNX Runtime 未对 %2 个测试样本中的每一个返回输出</translation>
    </message>
    <message>
        <source>ONNX Runtime not measured: %1</source>
        <translation>未测量 ONNX Runtime：%1</translation>
    </message>
    <message>
        <source>the int8 model&apos;s accuracy needs ONNX Runtime</source>
        <translation>测量 int8 模型的准确率需要 ONNX Runtime</translation>
    </message>
    <message>
        <source>Measuring %1: test accuracy on %2 samples</source>
        <translation>正在测量 %1：在 %2 个样本上的测试准确率</translation>
    </message>
    <message>
        <source>no test accuracy: the project does not classify</source>
        <translation>没有测试准确率：该项目不是分类任务</translation>
    </message>
    <message>
        <source>the allowed accuracy drop must be 0 or more points</source>
        <translation>允许的准确率下降必须为 0 个百分点或以上</translation>
    </message>
    <message>
        <source>the timed runs per latency figure must be 1 or more (--repeats)</source>
        <translation>每个延迟数值的计时运行次数必须为 1 或以上（--repeats）</translation>
    </message>
    <message>
        <source>the threads must be 0 (the defaults) or more (--threads)</source>
        <translation>线程数必须为 0（使用默认值）或以上（--threads）</translation>
    </message>
    <message>
        <source>%1: the teacher run folder was not found</source>
        <translation>%1：未找到教师模型运行文件夹</translation>
    </message>
    <message>
        <source>%1: the teacher run&apos;s project cannot be read: %2</source>
        <translation>%1：无法读取教师模型运行的项目：%2</translation>
    </message>
    <message>
        <source>the teacher run %1 takes samples of %2, but this project&apos;s samples are %3 (/dataset/sample_shape); distillation needs the same inputs</source>
        <translation>教师模型运行 %1 接受形状为 %2 的样本，但本项目的样本为 %3（/dataset/sample_shape）；蒸馏需要相同的输入</translation>
    </message>
    <message>
        <source>the teacher run %1: its graph gives no output shape</source>
        <translation>教师模型运行 %1：其计算图未给出输出形状</translation>
    </message>
    <message>
        <source>the teacher run %1 gives %2 per sample, but this project&apos;s output gives %3; distillation needs one output per class in both</source>
        <translation>教师模型运行 %1 每个样本输出 %2，但本项目的输出为 %3；蒸馏要求两者均为每个类别一个输出</translation>
    </message>
    <message>
        <source>%1: cannot create a temporary folder for ONNX Runtime: %2</source>
        <translation>%1：无法为 ONNX Runtime 创建临时文件夹：%2</translation>
    </message>
    <message>
        <source>ONNX Runtime is not available: Node.js (node) is not on the PATH</source>
        <translation>ONNX Runtime 不可用：PATH 中没有 Node.js（node）</translation>
    </message>
    <message>
        <source>ONNX Runtime is not available: onnxruntime-node was not found (run scripts/setup-onnxruntime, or set TORCHWRIGHT_ONNXRUNTIME to the folder holding node_modules/onnxruntime-node)</source>
        <translation>ONNX Runtime 不可用：未找到 onnxruntime-node（请运行 scripts/setup-onnxruntime，或将 TORCHWRIGHT_ONNXRUNTIME 设置为包含 node_modules/onnxruntime-node 的文件夹）</translation>
    </message>
    <message>
        <source>%1: ONNX Runtime needs at least one input sample</source>
        <translation>%1：ONNX Runtime 至少需要一个输入样本</translation>
    </message>
    <message>
        <source>%1: ONNX Runtime failed (exit %2): %3</source>
        <translation>%1：ONNX Runtime 失败（退出码 %2）：%3</translation>
    </message>
    <message>
        <source>%1: ONNX Runtime&apos;s result could not be read: %2</source>
        <translation>%1：无法读取 ONNX Runtime 的结果：%2</translation>
    </message>
    <message>
        <source>%1: ONNX Runtime returned %2 outputs for %3 inputs</source>
        <translation>%1：ONNX Runtime 对 %3 个输入返回了 %2 个输出</translation>
    </message>
    <message>
        <source>distillation from a teacher run needs a classification with the cross_entropy loss (/training/loss, labels as the target); got &quot;%1&quot;</source>
        <translation>从教师模型运行进行蒸馏需要使用 cross_entropy 损失的分类任务（/training/loss，以标签作为目标）；当前为 &quot;%1&quot;</translation>
    </message>
    <message>
        <source>%1: not a masks file: %2</source>
        <translation>%1：不是掩码文件：%2</translation>
    </message>
    <message>
        <source>%1: not a masks file (expected a dict of tensors)</source>
        <translation>%1：不是掩码文件（应为张量字典）</translation>
    </message>
    <message>
        <source>%1: mask &apos;%2&apos; names no parameter of the model</source>
        <translation>%1：掩码 &apos;%2&apos; 未对应模型的任何参数</translation>
    </message>
    <message>
        <source>%1: mask &apos;%2&apos; has the shape %3 but the parameter is %4</source>
        <translation>%1：掩码 &apos;%2&apos; 的形状为 %3，但该参数的形状为 %4</translation>
    </message>
    <message>
        <source>%1: mask &apos;%2&apos; holds values other than 0 and 1</source>
        <translation>%1：掩码 &apos;%2&apos; 含有 0 和 1 以外的值</translation>
    </message>
    <message>
        <source>its channels reach %1 &apos;%2&apos;, which cannot drop input channels</source>
        <translation>其通道到达 %1 &apos;%2&apos;，该层无法丢弃输入通道</translation>
    </message>
    <message>
        <source>its channels meet others of a different layout in Add &apos;%1&apos;</source>
        <translation>其通道在 Add &apos;%1&apos; 中与另一种布局的通道汇合</translation>
    </message>
    <message>
        <source>its channels are added to channels that are not pruned in Add &apos;%1&apos;</source>
        <translation>其通道在 Add &apos;%1&apos; 中与未剪枝的通道相加</translation>
    </message>
    <message>
        <source>%1 and %2 share one set of channels: their outputs meet in Add &apos;%3&apos;</source>
        <translation>%1 和 %2 共用同一组通道：它们的输出在 Add &apos;%3&apos; 中汇合</translation>
    </message>
    <message>
        <source>its channels reach Concat &apos;%1&apos;, which joins another dimension</source>
        <translation>其通道到达 Concat &apos;%1&apos;，该层在另一个维度上拼接</translation>
    </message>
    <message>
        <source>it gives the model&apos;s output</source>
        <translation>它给出模型的输出</translation>
    </message>
    <message>
        <source>the Taylor score needs training data, and the training split is empty</source>
        <translation>Taylor 评分需要训练数据，但训练集划分为空</translation>
    </message>
    <message>
        <source>Taylor scores from %1 training batch(es) of %2 samples</source>
        <translation>Taylor 评分基于 %1 个训练批次（每批 %2 个样本）</translation>
    </message>
    <message>
        <source>pruning: the sliced tensor &apos;%1&apos; does not fit the pruned layer graph</source>
        <translation>剪枝：切片后的张量 &apos;%1&apos; 与剪枝后的层图不匹配</translation>
    </message>
    <message>
        <source>the pruning amount must be above 0 and below 1 (a share: 0.5 removes half), got %1</source>
        <translation>剪枝比例必须大于 0 且小于 1（为比例：0.5 表示移除一半），当前为 %1</translation>
    </message>
    <message>
        <source>the pruning steps must be from 1 to 100, got %1</source>
        <translation>剪枝步数必须在 1 到 100 之间，当前为 %1</translation>
    </message>
    <message>
        <source>the fine-tuning epochs must be from 0 to 10000, got %1</source>
        <translation>微调轮数必须在 0 到 10000 之间，当前为 %1</translation>
    </message>
    <message>
        <source>the pruning score must be l1 or taylor, got &apos;%1&apos;</source>
        <translation>剪枝评分必须为 l1 或 taylor，当前为 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>the Taylor score ranks whole channels, so it applies to structured pruning; unstructured pruning removes the weights of smallest magnitude</source>
        <translation>Taylor 评分对整个通道进行排序，因此适用于结构化剪枝；非结构化剪枝会移除幅值最小的权重</translation>
    </message>
    <message>
        <source>the checkpoint must be best or last, got &apos;%1&apos;</source>
        <translation>检查点必须为 best 或 last，当前为 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>the Taylor score needs at least one batch, got %1</source>
        <translation>Taylor 评分至少需要一个批次，当前为 %1</translation>
    </message>
    <message>
        <source>%1: not a run folder (no project.json)</source>
        <translation>%1：不是运行文件夹（没有 project.json）</translation>
    </message>
    <message>
        <source>%1: the run has no checkpoint (%2 not found); train it first, or wait until its first epoch ends</source>
        <translation>%1：该运行没有检查点（未找到 %2）；请先训练它，或等待其第一轮结束</translation>
    </message>
    <message>
        <source>pruning %1 (%2): %3 parameters, %4 multiply-adds</source>
        <translation>正在剪枝 %1（%2）：%3 个参数，%4 次乘加运算</translation>
    </message>
    <message>
        <source>step %1 of %2: %3 of the %4 Conv/Linear weights set to zero (%5)</source>
        <translation>第 %1 步，共 %2 步：%4 个 Conv/Linear 权重中有 %3 个被置零（%5）</translation>
    </message>
    <message>
        <source>%1: not pruned: %2</source>
        <translation>%1：未剪枝：%2</translation>
    </message>
    <message>
        <source>step %1 of %2: removing every prunable channel but one per layer leaves %3 multiply-adds, above the goal of %4</source>
        <translation>第 %1 步，共 %2 步：即使每层只保留一个可剪枝通道，仍有 %3 次乘加运算，高于目标 %4</translation>
    </message>
    <message>
        <source>step %1 of %2: %3 channel(s) removed; %4 multiply-adds (goal %5), %6 parameters; weights in %7</source>
        <translation>第 %1 步，共 %2 步：移除了 %3 个通道；%4 次乘加运算（目标 %5），%6 个参数；权重位于 %7</translation>
    </message>
    <message>
        <source>step %1 of %2: fine-tuning %3 epoch(s)</source>
        <translation>第 %1 步，共 %2 步：微调 %3 轮</translation>
    </message>
    <message>
        <source>pruning step %1 of %2: fine-tuning in %3 did not complete: %4</source>
        <translation>剪枝第 %1 步，共 %2 步：%3 中的微调未完成：%4</translation>
    </message>
    <message>
        <source>step %1 of %2: %3 parameters, %4 multiply-adds; run %5</source>
        <translation>第 %1 步，共 %2 步：%3 个参数，%4 次乘加运算；运行 %5</translation>
    </message>
    <message>
        <source>step %1 of %2: %3 non-zero parameters, sparsity %4 of the Conv/Linear weights; run %5</source>
        <translation>第 %1 步，共 %2 步：%3 个非零参数，Conv/Linear 权重的稀疏度为 %4；运行 %5</translation>
    </message>
    <message>
        <source>no ONNX type for a tensor of %1</source>
        <translation>%1 类型的张量没有对应的 ONNX 类型</translation>
    </message>
    <message>
        <source>quantize: %1: %2</source>
        <translation>量化：%1：%2</translation>
    </message>
    <message>
        <source>expected static or dynamic, got &apos;%1&apos;</source>
        <translation>应为 static 或 dynamic，当前为 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>expected minmax, percentile or entropy, got &apos;%1&apos;</source>
        <translation>应为 minmax、percentile 或 entropy，当前为 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>expected 1..1000000 samples, got %1</source>
        <translation>应为 1..1000000 个样本，当前为 %1</translation>
    </message>
    <message>
        <source>expected more than 50 and at most 100, got %1</source>
        <translation>应大于 50 且不超过 100，当前为 %1</translation>
    </message>
    <message>
        <source>expected 0 (all) or more, got %1</source>
        <translation>应为 0（全部）或以上，当前为 %1</translation>
    </message>
    <message>
        <source>expected best or last, got &apos;%1&apos;</source>
        <translation>应为 best 或 last，当前为 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>%1: the run is still training; quantize it once it has finished</source>
        <translation>%1：该运行仍在训练中；请在其完成后再进行量化</translation>
    </message>
    <message>
        <source>%1: already an int8 run; quantize its source run &apos;%2&apos; instead</source>
        <translation>%1：已是 int8 运行；请改为量化其源运行 &apos;%2&apos;</translation>
    </message>
    <message>
        <source>%1: checkpoint not found; the run has no trained weights to quantize</source>
        <translation>%1：未找到检查点；该运行没有可量化的已训练权重</translation>
    </message>
    <message>
        <source>%1: dataset file not found; quantization needs the training split (calibration) and the test split (accuracy)</source>
        <translation>%1：未找到数据集文件；量化需要训练集划分（用于校准）和测试集划分（用于准确率）</translation>
    </message>
    <message>
        <source>reading the data</source>
        <translation>正在读取数据</translation>
    </message>
    <message>
        <source>%1: the training split is empty; static quantization needs samples to calibrate on</source>
        <translation>%1：训练集划分为空；静态量化需要用于校准的样本</translation>
    </message>
    <message>
        <source>calibrating on %1 training samples (observer %2)</source>
        <translation>正在 %1 个训练样本上校准（观察器 %2）</translation>
    </message>
    <message>
        <source>the layer-by-layer forward differs from the model&apos;s (a bug in Torchwright)</source>
        <translation>逐层前向计算的结果与模型的不一致（Torchwright 的缺陷）</translation>
    </message>
    <message>
        <source>%1: no layer has an int8 form in %2 mode (%3 quantizes Conv and Linear layers%4); nothing to quantize</source>
        <translation>%1：在 %2 模式下没有任何层具有 int8 形式（%3 量化 Conv 和 Linear 层%4）；没有可量化的内容</translation>
    </message>
    <message>
        <source>layer &apos;%1&apos; stays float: it has no safe int8 form in %2 mode</source>
        <translation>层 &apos;%1&apos; 保持浮点：在 %2 模式下它没有安全的 int8 形式</translation>
    </message>
    <message>
        <source>the int8 ONNX model failed ONNX&apos;s checker (a bug in Torchwright): %1</source>
        <translation>int8 ONNX 模型未通过 ONNX 检查器（Torchwright 的缺陷）：%1</translation>
    </message>
    <message>
        <source>%1: the int8 ONNX model could not be serialised</source>
        <translation>%1：无法序列化 int8 ONNX 模型</translation>
    </message>
    <message>
        <source>accuracy not measured: %1</source>
        <translation>未测量准确率：%1</translation>
    </message>
    <message>
        <source>accuracy not measured: the model is not a classifier</source>
        <translation>未测量准确率：该模型不是分类器</translation>
    </message>
    <message>
        <source>measuring both models on %1 test samples in ONNX Runtime</source>
        <translation>正在 ONNX Runtime 中于 %1 个测试样本上测量两个模型</translation>
    </message>
    <message>
        <source>distilling from %1 (%2, %3 parameters; this model has %4): alpha %5, temperature %6</source>
        <translation>正在从 %1 蒸馏（%2，%3 个参数；本模型有 %4 个）：alpha %5，temperature %6</translation>
    </message>
    <message>
        <source>distillation: the teacher normalised its inputs differently; its batches are converted to its own mean and std</source>
        <translation>蒸馏：教师模型对输入的归一化方式不同；批次数据会转换为其自身的均值和标准差</translation>
    </message>
    <message>
        <source>distillation: the teacher&apos;s outputs are computed for each batch, as augmentation changes every batch</source>
        <translation>蒸馏：由于数据增强会改变每个批次，教师模型的输出按批次逐一计算</translation>
    </message>
    <message>
        <source>distillation: the teacher&apos;s outputs are computed for each batch; caching them would take %1 of the %2 left (%3)</source>
        <translation>蒸馏：教师模型的输出按批次逐一计算；缓存这些输出将占用剩余 %2 中的 %1（%3）</translation>
    </message>
    <message>
        <source>distillation: the teacher gave outputs of %1 for %2 training samples</source>
        <translation>蒸馏：教师模型为 %2 个训练样本给出了 %1 的输出</translation>
    </message>
    <message>
        <source>distillation: the teacher&apos;s outputs for the %1 training samples are computed once and kept (%2), as augmentation is off</source>
        <translation>蒸馏：由于数据增强已关闭，教师模型对 %1 个训练样本的输出只计算一次并保留（%2）</translation>
    </message>
    <message>
        <source>pruning masks: %1 of %2 weights in %3 tensor(s) stay zero</source>
        <translation>剪枝掩码：%3 个张量中 %2 个权重里有 %1 个保持为零</translation>
    </message>
    <message>
        <source>%1: expected auto, device or stream, got &quot;%2&quot;</source>
        <translation>%1：应为 auto、device 或 stream，实际为 &quot;%2&quot;</translation>
    </message>
    <message>
        <source>the prefetch thread ran out of batches before the epoch ended</source>
        <translation>预取线程在该轮次结束前已耗尽批次</translation>
    </message>
    <message>
        <source>%1: &apos;rng_cuda&apos; is not a random generator state; the checkpoint is damaged</source>
        <translation>%1：&apos;rng_cuda&apos; 不是随机数生成器状态；检查点已损坏</translation>
    </message>
    <message>
        <source>%1: &apos;loss_scale&apos; is %2; the checkpoint is damaged</source>
        <translation>%1：&apos;loss_scale&apos; 为 %2；检查点已损坏</translation>
    </message>
    <message>
        <source>%1: the %2 has no tensor &apos;%3&apos; of the layer graph; it was saved from a different layer graph</source>
        <translation>%1：%2 中没有层图的张量 &apos;%3&apos;；它是从另一个层图保存的</translation>
    </message>
    <message>
        <source>%1: the %2 holds &apos;%3&apos;, which the layer graph does not have; it was saved from a different layer graph</source>
        <translation>%1：%2 包含 &apos;%3&apos;，而层图中没有它；它是从另一个层图保存的</translation>
    </message>
    <message>
        <source>%1: no such folder</source>
        <translation>%1：没有此文件夹</translation>
    </message>
    <message>
        <source>%1: no %2; not a run folder of the exported PyTorch program (train.py --run-dir writes it)</source>
        <translation>%1：没有 %2；不是导出的 PyTorch 程序的运行文件夹（该文件夹由 train.py --run-dir 写入）</translation>
    </message>
    <message>
        <source>%1: not the record of an exported program&apos;s run (expected &quot;format&quot;: &quot;%2&quot;)</source>
        <translation>%1：不是导出程序的运行记录（应为 &quot;format&quot;: &quot;%2&quot;）</translation>
    </message>
    <message>
        <source>version %1 is newer than this Torchwright reads (%2); update Torchwright</source>
        <translation>版本 %1 比此 Torchwright 可读取的版本（%2）更新；请更新 Torchwright</translation>
    </message>
    <message>
        <source>expected an integer 0..%1, got %2</source>
        <translation>应为 0..%1 之间的整数，实际为 %2</translation>
    </message>
    <message>
        <source>expected an array of numbers</source>
        <translation>应为数字数组</translation>
    </message>
    <message>
        <source>%1: no metrics.jsonl; the program wrote no events (it did not get to its first batch)</source>
        <translation>%1：没有 metrics.jsonl；程序未写入任何事件（它未运行到第一个批次）</translation>
    </message>
    <message>
        <source>%1: line %2 is torn (no newline at its end: the program was killed while writing it); delete that line to import the events before it</source>
        <translation>%1：第 %2 行不完整（末尾没有换行符：程序在写入该行时被终止）；删除该行即可导入其之前的事件</translation>
    </message>
    <message>
        <source>%1: line %2 is not JSON</source>
        <translation>%1：第 %2 行不是 JSON</translation>
    </message>
    <message>
        <source>%1: line %2 is not an event of the studio&apos;s format (an object with &quot;event&quot;: batch, epoch, log or finished)</source>
        <translation>%1：第 %2 行不是本工作室格式的事件（应为带有 &quot;event&quot;: batch、epoch、log 或 finished 的对象）</translation>
    </message>
    <message>
        <source>%1: line %2: &quot;%3&quot; is not a number</source>
        <translation>%1：第 %2 行：&quot;%3&quot; 不是数字</translation>
    </message>
    <message>
        <source>%1: line %2: &quot;%3&quot; is not a count</source>
        <translation>%1：第 %2 行：&quot;%3&quot; 不是计数</translation>
    </message>
    <message>
        <source>%1: line %2 follows the finished event; the file holds more than one run</source>
        <translation>%1：第 %2 行位于 finished 事件之后；该文件包含多个运行</translation>
    </message>
    <message>
        <source>%1: line %2 is epoch %3, but %4 epoch(s) came before it</source>
        <translation>%1：第 %2 行是第 %3 轮，但其之前已有 %4 轮</translation>
    </message>
    <message>
        <source>%1: line %2: the finished event&apos;s status is not completed, early_stopped, stopped or failed</source>
        <translation>%1：第 %2 行：finished 事件的状态不是 completed、early_stopped、stopped 或 failed</translation>
    </message>
    <message>
        <source>%1: the program completed no epoch (status %2%3); there is nothing to import</source>
        <translation>%1：程序未完成任何轮次（状态 %2%3）；没有可导入的内容</translation>
    </message>
    <message>
        <source>%1: no last.pt, though metrics.jsonl has %2 epoch(s)</source>
        <translation>%1：没有 last.pt，但 metrics.jsonl 中有 %2 轮</translation>
    </message>
    <message>
        <source>%1: the run does not name its project (no /origin/project_file in %2); name it with --project</source>
        <translation>%1：该运行未指明其项目（%2 中没有 /origin/project_file）；请用 --project 指定</translation>
    </message>
    <message>
        <source>%1: the project the program was exported from is not on this machine; name it with --project (the program&apos;s folder holds a copy, project.json)</source>
        <translation>%1：导出该程序的项目不在本机上；请用 --project 指定（程序文件夹中有一份副本 project.json）</translation>
    </message>
    <message>
        <source>%1: %2 names epoch %3 as the best, but best.pt is missing or metrics.jsonl has %4 epoch(s)</source>
        <translation>%1：%2 将第 %3 轮标为最佳，但 best.pt 缺失，或 metrics.jsonl 中有 %4 轮</translation>
    </message>
    <message>
        <source>the program ended without its finished event (killed, or its machine went down) after %1 epoch(s)</source>
        <translation>程序在 %1 轮后结束，但没有 finished 事件（被终止，或其所在机器已宕机）</translation>
    </message>
    <message>
        <source>%1: cannot move the imported run into place: %2</source>
        <translation>%1：无法将导入的运行移动到位：%2</translation>
    </message>
    <message>
        <source>%1: expected fp32, bf16 or fp16, got &quot;%2&quot;</source>
        <translation>%1：应为 fp32、bf16 或 fp16，实际为 &quot;%2&quot;</translation>
    </message>
    <message>
        <source>fp16 training needs a CUDA device, and this run trains on the CPU: choose bf16 (where the CPU supports it) or fp32</source>
        <translation>fp16 训练需要 CUDA 设备，而此运行在 CPU 上训练：请选择 bf16（在 CPU 支持时）或 fp32</translation>
    </message>
    <message>
        <source>bf16 training on the CPU is not supported by this LibTorch: choose fp32</source>
        <translation>此 LibTorch 不支持在 CPU 上进行 bf16 训练：请选择 fp32</translation>
    </message>
    <message>
        <source>fp16 training needs a CUDA device, and /training/device is cpu: choose bf16 or fp32</source>
        <translation>fp16 训练需要 CUDA 设备，而 /training/device 为 cpu：请选择 bf16 或 fp32</translation>
    </message>
    <message>
        <source>precision %1%2%3</source>
        <translation>精度 %1%2%3</translation>
    </message>
    <message>
        <source>data: %1 streamed from host memory by a prefetch thread (--data-placement stream)</source>
        <translation>数据：%1 由预取线程从主机内存流式传输（--data-placement stream）</translation>
    </message>
    <message>
        <source>data: %1 on %2 (--data-placement device)</source>
        <translation>数据：%1 位于 %2（--data-placement device）</translation>
    </message>
    <message>
        <source>data: %1 on %2 (its free memory is unknown)</source>
        <translation>数据：%1 位于 %2（其空闲内存未知）</translation>
    </message>
    <message>
        <source>data: %1 on %2, within %3 of its %4 free</source>
        <translation>数据：%1 位于 %2，未超过其 %4 空闲内存的 %3</translation>
    </message>
    <message>
        <source>data: %1 is more than %2 of the %3 free on %4; it stays in host memory and a prefetch thread streams the batches</source>
        <translation>数据：%1 超过 %4 上 %3 空闲内存的 %2；数据保留在主机内存中，由预取线程流式传输各批次</translation>
    </message>
    <message>
        <source>the run trained on a GPU until now and continues on %1: its GPU random state (dropout masks) cannot carry over, so from here it differs from a run that stayed on the GPU</source>
        <translation>此运行此前在 GPU 上训练，现在在 %1 上继续：其 GPU 随机状态（dropout 掩码）无法延续，因此从此处起它将与一直在 GPU 上的运行有所不同</translation>
    </message>
    <message>
        <source>metrics.jsonl: epoch %1&apos;s figures were not written before the process ended; written now from last.json</source>
        <translation>metrics.jsonl：第 %1 轮的数据在进程结束前未写入；现已根据 last.json 写入</translation>
    </message>
</context>
<context>
    <name>torchwright::choices</name>
    <message>
        <source>idx</source>
        <translation>IDX 文件 (idx)</translation>
    </message>
    <message>
        <source>cifar10</source>
        <translation>CIFAR-10 二进制 (cifar10)</translation>
    </message>
    <message>
        <source>synthetic</source>
        <translation>生成数据 (synthetic)</translation>
    </message>
    <message>
        <source>sequence</source>
        <translation>生成序列 (sequence)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>dataset</source>
        <translation>按数据集统计 (dataset)</translation>
    </message>
    <message>
        <source>fixed</source>
        <translation>固定值 (fixed)</translation>
    </message>
    <message>
        <source>cross_entropy</source>
        <translation>交叉熵 (cross_entropy)</translation>
    </message>
    <message>
        <source>mse</source>
        <translation>均方误差 (mse)</translation>
    </message>
    <message>
        <source>bce_with_logits</source>
        <translation>二元交叉熵 (bce_with_logits)</translation>
    </message>
    <message>
        <source>labels</source>
        <translation>标签 (labels)</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入 (input)</translation>
    </message>
    <message>
        <source>sgd</source>
        <translation>SGD</translation>
    </message>
    <message>
        <source>adam</source>
        <translation>Adam</translation>
    </message>
    <message>
        <source>adamw</source>
        <translation>AdamW</translation>
    </message>
    <message>
        <source>rmsprop</source>
        <translation>RMSprop</translation>
    </message>
    <message>
        <source>step</source>
        <translation>阶梯衰减 (step)</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>余弦退火 (cosine)</translation>
    </message>
    <message>
        <source>val_loss</source>
        <translation>验证损失 (val_loss)</translation>
    </message>
    <message>
        <source>val_accuracy</source>
        <translation>验证准确率 (val_accuracy)</translation>
    </message>
    <message>
        <source>float32</source>
        <translation>float32</translation>
    </message>
    <message>
        <source>int64</source>
        <translation>int64</translation>
    </message>
    <message>
        <source>image_folder</source>
        <translation>图像文件夹 (image_folder)</translation>
    </message>
    <message>
        <source>image_list</source>
        <translation>图像列表 (image_list)</translation>
    </message>
    <message>
        <source>csv</source>
        <translation>CSV 表格 (csv)</translation>
    </message>
    <message>
        <source>classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>regression</source>
        <translation>回归</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>comma</source>
        <translation>逗号</translation>
    </message>
    <message>
        <source>semicolon</source>
        <translation>分号</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>制表符</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>grayscale</source>
        <translation>灰度</translation>
    </message>
    <message>
        <source>rgb</source>
        <translation>RGB 彩色</translation>
    </message>
    <message>
        <source>stretch</source>
        <translation>拉伸</translation>
    </message>
    <message>
        <source>crop</source>
        <translation>裁剪</translation>
    </message>
    <message>
        <source>best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <source>last</source>
        <translation>最后</translation>
    </message>
    <message>
        <source>fp32</source>
        <translation>fp32</translation>
    </message>
    <message>
        <source>bf16</source>
        <translation>bf16</translation>
    </message>
    <message>
        <source>fp16</source>
        <translation>fp16</translation>
    </message>
</context>
<context>
    <name>torchwright::datasets</name>
    <message>
        <source>IDX files (MNIST layout)</source>
        <translation>IDX 文件（MNIST 布局）</translation>
    </message>
    <message>
        <source>train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (plain or .gz) in one folder, as MNIST and Fashion-MNIST ship</source>
        <translation>train-images-idx3-ubyte、train-labels-idx1-ubyte、t10k-images-idx3-ubyte 和 t10k-labels-idx1-ubyte（未压缩或 .gz），位于同一文件夹，与 MNIST 和 Fashion-MNIST 的发布方式相同</translation>
    </message>
    <message>
        <source>CIFAR-10 binary batches</source>
        <translation>CIFAR-10 二进制批文件</translation>
    </message>
    <message>
        <source>data_batch_1.bin to data_batch_5.bin and test_batch.bin in one folder</source>
        <translation>data_batch_1.bin 到 data_batch_5.bin 以及 test_batch.bin，位于同一文件夹</translation>
    </message>
    <message>
        <source>Generated (synthetic)</source>
        <translation>生成的（合成）数据</translation>
    </message>
    <message>
        <source>class-dependent patterns plus Gaussian noise, generated from a seed; needs no files</source>
        <translation>由种子生成的、随类别而异的图案加高斯噪声；不需要文件</translation>
    </message>
    <message>
        <source>Generated sequences (order decides the class)</source>
        <translation>生成的序列（顺序决定类别）</translation>
    </message>
    <message>
        <source>LxF one-hot symbol sequences whose class is the marker that comes last, generated from a seed; needs no files</source>
        <translation>由种子生成的 LxF 独热符号序列，其类别为最后出现的标记；不需要文件</translation>
    </message>
    <message>
        <source>Image folders (one per class)</source>
        <translation>图像文件夹（每类一个）</translation>
    </message>
    <message>
        <source>PNG, JPEG or BMP files in one subfolder per class (FOLDER/CLASS_NAME/image.png), resized to the sample shape</source>
        <translation>每个类别一个子文件夹的 PNG、JPEG 或 BMP 文件（文件夹/类别名/image.png），缩放到样本形状</translation>
    </message>
    <message>
        <source>Image list (CSV of files and labels)</source>
        <translation>图像列表（文件与标签的 CSV）</translation>
    </message>
    <message>
        <source>CSV files naming an image file and its label on each row (Neural Network Console&apos;s x:image,y:label), the images resized to the sample shape</source>
        <translation>每行给出一个图像文件及其标签的 CSV 文件（Neural Network Console 的 x:image,y:label），图像缩放到样本形状</translation>
    </message>
    <message>
        <source>CSV table</source>
        <translation>CSV 表格</translation>
    </message>
    <message>
        <source>a table (CSV, plain or .gz) in the dataset folder: each row a sample, one target column (a class or a number) and feature columns, numeric or categorical</source>
        <translation>数据集文件夹中的表格（CSV，普通或 .gz）：每行一个样本，一个目标列（类别或数值）以及数值或类别特征列</translation>
    </message>
</context>
<context>
    <name>torchwright::exports</name>
    <message>
        <source>TorchScript</source>
        <translation>TorchScript</translation>
    </message>
    <message>
        <source>TorchScript (torch.jit.load, torch::jit::load)</source>
        <translation>TorchScript（torch.jit.load、torch::jit::load）</translation>
    </message>
    <message>
        <source>a TorchScript module in eval mode; loads with torch.jit.load and torch::jit::load.</source>
        <translation>推理模式下的 TorchScript 模块；可用 torch.jit.load 和 torch::jit::load 加载。</translation>
    </message>
    <message>
        <source>ONNX</source>
        <translation>ONNX</translation>
    </message>
    <message>
        <source>ONNX (ONNX Runtime and other runtimes)</source>
        <translation>ONNX（ONNX Runtime 及其他运行时）</translation>
    </message>
    <message>
        <source>ONNX opset 13, dynamic batch, input &quot;input&quot;, output &quot;logits&quot;, class names and normalization as metadata.</source>
        <translation>ONNX opset 13，动态批次，输入名 &quot;input&quot;，输出名 &quot;logits&quot;，类别名称和归一化参数作为元数据。</translation>
    </message>
    <message>
        <source>PyTorch training program</source>
        <translation>PyTorch 训练程序</translation>
    </message>
    <message>
        <source>PyTorch training program (python, torchrun)</source>
        <translation>PyTorch 训练程序（python、torchrun）</translation>
    </message>
    <message>
        <source>Deployment bundle</source>
        <translation>部署包</translation>
    </message>
    <message>
        <source>Deployment bundle (models, manifest, README)</source>
        <translation>部署包（模型、清单、README）</translation>
    </message>
    <message>
        <source>a deployment folder: model.pt, model.onnx, manifest.json (input, preprocessing, classes, source, metrics, checksums), README.md.</source>
        <translation>部署文件夹：model.pt、model.onnx、manifest.json（输入、预处理、类别、来源、指标、校验和）、README.md。</translation>
    </message>
    <message>
        <source>a standalone PyTorch training program (train.py, weights.pt, README.md) that also trains on many machines with torchrun, with a Slurm script and a Kubernetes PyTorchJob; import-run brings its runs back.</source>
        <translation>独立的 PyTorch 训练程序（train.py、weights.pt、README.md），也可通过 torchrun 在多台机器上训练，附带 Slurm 脚本和 Kubernetes PyTorchJob；import-run 可将其运行导入回来。</translation>
    </message>
</context>
<context>
    <name>torchwright::layers</name>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>Convolution</source>
        <translation>卷积</translation>
    </message>
    <message>
        <source>Pooling</source>
        <translation>池化</translation>
    </message>
    <message>
        <source>Normalization</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>Regularization</source>
        <translation>正则化</translation>
    </message>
    <message>
        <source>Reshape</source>
        <translation>变形</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>激活</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>Sequence</source>
        <translation>序列</translation>
    </message>
    <message>
        <source>The dataset&apos;s samples; its shape comes from the dataset settings.</source>
        <translation>数据集的样本；其形状来自数据集设置。</translation>
    </message>
    <message>
        <source>Element type fed to the graph (int64 for token ids)</source>
        <translation>送入图的元素类型（词元 ID 用 int64）</translation>
    </message>
    <message>
        <source>Fully connected layer over the last dimension.</source>
        <translation>作用于最后一维的全连接层。</translation>
    </message>
    <message>
        <source>Input features; 0 infers them from the input</source>
        <translation>输入特征数；0 表示从输入推断</translation>
    </message>
    <message>
        <source>Output features</source>
        <translation>输出特征数</translation>
    </message>
    <message>
        <source>Learn an additive bias</source>
        <translation>学习加性偏置</translation>
    </message>
    <message>
        <source>2-D convolution over a CxHxW input.</source>
        <translation>对 CxHxW 输入的二维卷积。</translation>
    </message>
    <message>
        <source>Input channels; 0 infers them from the input</source>
        <translation>输入通道数；0 表示从输入推断</translation>
    </message>
    <message>
        <source>Output channels</source>
        <translation>输出通道数</translation>
    </message>
    <message>
        <source>Square kernel size</source>
        <translation>正方形卷积核的大小</translation>
    </message>
    <message>
        <source>Stride</source>
        <translation>步幅</translation>
    </message>
    <message>
        <source>Zero padding on each side</source>
        <translation>每边的零填充</translation>
    </message>
    <message>
        <source>Spacing between kernel elements</source>
        <translation>卷积核元素之间的间距（膨胀）</translation>
    </message>
    <message>
        <source>Blocked connections from input to output channels</source>
        <translation>输入到输出通道的分组连接数</translation>
    </message>
    <message>
        <source>Maximum over square windows.</source>
        <translation>正方形窗口内取最大值。</translation>
    </message>
    <message>
        <source>Square window size</source>
        <translation>正方形窗口的大小</translation>
    </message>
    <message>
        <source>Stride; 0 uses the kernel size</source>
        <translation>步幅；0 表示与窗口大小相同</translation>
    </message>
    <message>
        <source>Padding on each side</source>
        <translation>每边的填充</translation>
    </message>
    <message>
        <source>Average over square windows.</source>
        <translation>正方形窗口内取平均值。</translation>
    </message>
    <message>
        <source>Averages to a fixed output size whatever the input size.</source>
        <translation>无论输入大小，平均池化到固定的输出大小。</translation>
    </message>
    <message>
        <source>Square output size</source>
        <translation>正方形输出的大小</translation>
    </message>
    <message>
        <source>Batch normalization over C or CxL inputs.</source>
        <translation>对 C 或 CxL 输入的批归一化。</translation>
    </message>
    <message>
        <source>Channels; 0 infers them from the input</source>
        <translation>通道数；0 表示从输入推断</translation>
    </message>
    <message>
        <source>Added to the variance</source>
        <translation>加到方差上的值</translation>
    </message>
    <message>
        <source>Running statistics update rate</source>
        <translation>滑动统计量的更新率</translation>
    </message>
    <message>
        <source>Batch normalization over CxHxW inputs.</source>
        <translation>对 CxHxW 输入的批归一化。</translation>
    </message>
    <message>
        <source>Zeroes elements with probability p while training.</source>
        <translation>训练时以概率 p 将元素置零。</translation>
    </message>
    <message>
        <source>Probability of zeroing an element</source>
        <translation>元素被置零的概率</translation>
    </message>
    <message>
        <source>Flattens every dimension but the batch into one.</source>
        <translation>将除批次维外的所有维度展平为一维。</translation>
    </message>
    <message>
        <source>max(0, x)</source>
        <translation>max(0, x)</translation>
    </message>
    <message>
        <source>max(0, x) + slope * min(0, x)</source>
        <translation>max(0, x) + slope * min(0, x)</translation>
    </message>
    <message>
        <source>Slope for negative inputs</source>
        <translation>负输入的斜率</translation>
    </message>
    <message>
        <source>Gaussian error linear unit</source>
        <translation>高斯误差线性单元</translation>
    </message>
    <message>
        <source>1 / (1 + exp(-x))</source>
        <translation>1 / (1 + exp(-x))</translation>
    </message>
    <message>
        <source>Hyperbolic tangent</source>
        <translation>双曲正切</translation>
    </message>
    <message>
        <source>Softmax along a dimension</source>
        <translation>沿某一维的 softmax</translation>
    </message>
    <message>
        <source>Sample dimension (batch excluded); negative counts from the end</source>
        <translation>样本的维度（不含批次维）；负数从末尾数起</translation>
    </message>
    <message>
        <source>Log of softmax along a dimension</source>
        <translation>沿某一维的 softmax 取对数</translation>
    </message>
    <message>
        <source>Element-wise sum of its inputs (skip connections).</source>
        <translation>各输入逐元素求和（跳跃连接）。</translation>
    </message>
    <message>
        <source>Number of input ports</source>
        <translation>输入端口数</translation>
    </message>
    <message>
        <source>Joins its inputs along a dimension (channels by default).</source>
        <translation>沿某一维拼接各输入（默认为通道维）。</translation>
    </message>
    <message>
        <source>Looks up a learned vector for each token id.</source>
        <translation>为每个词元 ID 查找一个学到的向量。</translation>
    </message>
    <message>
        <source>Vocabulary size</source>
        <translation>词表大小</translation>
    </message>
    <message>
        <source>Size of each vector</source>
        <translation>每个向量的大小</translation>
    </message>
    <message>
        <source>Long short-term memory over an LxF sequence.</source>
        <translation>对 LxF 序列的长短期记忆网络（LSTM）。</translation>
    </message>
    <message>
        <source>Features per step; 0 infers them from the input</source>
        <translation>每一步的特征数；0 表示从输入推断</translation>
    </message>
    <message>
        <source>Hidden features</source>
        <translation>隐藏特征数</translation>
    </message>
    <message>
        <source>Stacked layers</source>
        <translation>堆叠层数</translation>
    </message>
    <message>
        <source>Also run the sequence backwards</source>
        <translation>同时反向处理序列（双向）</translation>
    </message>
    <message>
        <source>Output every step (LxH) or only the last (H)</source>
        <translation>输出每一步（LxH）或只输出最后一步（H）</translation>
    </message>
    <message>
        <source>Gated recurrent unit over an LxF sequence.</source>
        <translation>对 LxF 序列的门控循环单元（GRU）。</translation>
    </message>
    <message>
        <source>Multi-head self-attention over an LxE sequence.</source>
        <translation>对 LxE 序列的多头自注意力。</translation>
    </message>
    <message>
        <source>Attention heads; must divide E</source>
        <translation>注意力头数；必须整除 E</translation>
    </message>
    <message>
        <source>Dropout on attention weights</source>
        <translation>注意力权重上的 Dropout</translation>
    </message>
    <message>
        <source>Transposed 2-D convolution: upsamples a CxHxW input (decoders).</source>
        <translation>二维转置卷积：对 CxHxW 输入上采样（用于解码器）。</translation>
    </message>
    <message>
        <source>Stride: the upsampling factor</source>
        <translation>步幅：上采样倍数</translation>
    </message>
    <message>
        <source>Rows and columns taken off each side of the output</source>
        <translation>从输出每边裁掉的行数和列数</translation>
    </message>
    <message>
        <source>Layer normalization over the last dimension (the features of each step).</source>
        <translation>对最后一维（每一步的特征）的层归一化。</translation>
    </message>
</context>
<context>
    <name>torchwright::runs</name>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>early stopped</source>
        <translation>已提前停止</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
</context>
<context>
    <name>torchwright::settings</name>
    <message>
        <source>Kind</source>
        <translation>数据格式</translation>
    </message>
    <message>
        <source>The format of the training data</source>
        <translation>训练数据的格式</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>The folder holding the data files, relative to the project file or absolute</source>
        <translation>存放数据文件的文件夹，可为相对项目文件的路径或绝对路径</translation>
    </message>
    <message>
        <source>Sample shape</source>
        <translation>样本形状</translation>
    </message>
    <message>
        <source>One sample&apos;s shape without the batch: channels first, e.g. 1, 28, 28</source>
        <translation>单个样本的形状（不含批次维）：通道在前，例如 1, 28, 28</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>类别数</translation>
    </message>
    <message>
        <source>How many classes the labels name</source>
        <translation>标签所指的类别个数</translation>
    </message>
    <message>
        <source>Class names</source>
        <translation>类别名称</translation>
    </message>
    <message>
        <source>One name per class, in label order; empty: the labels&apos; numbers</source>
        <translation>每个类别一个名称，按标签顺序；留空则使用标签编号</translation>
    </message>
    <message>
        <source>Validation fraction</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <source>The share of the training data held out for validation</source>
        <translation>从训练数据中留作验证的比例</translation>
    </message>
    <message>
        <source>Split seed</source>
        <translation>划分种子</translation>
    </message>
    <message>
        <source>Seeds the choice of the validation samples</source>
        <translation>决定验证样本选取的随机种子</translation>
    </message>
    <message>
        <source>Training samples</source>
        <translation>训练样本数</translation>
    </message>
    <message>
        <source>How many training samples to generate</source>
        <translation>要生成的训练样本数</translation>
    </message>
    <message>
        <source>Test samples</source>
        <translation>测试样本数</translation>
    </message>
    <message>
        <source>How many test samples to generate</source>
        <translation>要生成的测试样本数</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>The standard deviation of the Gaussian noise added to each pattern</source>
        <translation>加到每个图案上的高斯噪声的标准差</translation>
    </message>
    <message>
        <source>Generator seed</source>
        <translation>生成器种子</translation>
    </message>
    <message>
        <source>Seeds the generated patterns and noise</source>
        <translation>决定生成的图案和噪声的随机种子</translation>
    </message>
    <message>
        <source>Normalisation</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>dataset: the training split&apos;s mean and std per channel; fixed: the values below; none: as scaled</source>
        <translation>dataset：训练集逐通道的均值和标准差；fixed：下面给出的值；none：仅缩放</translation>
    </message>
    <message>
        <source>Mean (fixed)</source>
        <translation>均值（固定）</translation>
    </message>
    <message>
        <source>Subtracted per channel when normalisation is fixed</source>
        <translation>归一化为 fixed 时逐通道减去的值</translation>
    </message>
    <message>
        <source>Std (fixed)</source>
        <translation>标准差（固定）</translation>
    </message>
    <message>
        <source>Divided by per channel when normalisation is fixed</source>
        <translation>归一化为 fixed 时逐通道除以的值</translation>
    </message>
    <message>
        <source>Start from a pretrained model</source>
        <translation>从预训练模型开始</translation>
    </message>
    <message>
        <source>Initialise layers from another run&apos;s checkpoint instead of at random</source>
        <translation>用另一个运行的检查点初始化各层，而不是随机初始化</translation>
    </message>
    <message>
        <source>Source run or checkpoint</source>
        <translation>来源运行或检查点</translation>
    </message>
    <message>
        <source>Frozen layers</source>
        <translation>冻结的层</translation>
    </message>
    <message>
        <source>Names of the layers that keep their pretrained weights</source>
        <translation>保留预训练权重的层的名称</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Passes over the training data</source>
        <translation>遍历训练数据的次数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Samples per update</source>
        <translation>每次更新的样本数</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>What training minimises</source>
        <translation>训练要最小化的目标</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>The update rule</source>
        <translation>参数更新规则</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>The step size of each update</source>
        <translation>每次更新的步长</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>SGD and RMSprop: the share of the previous update carried on</source>
        <translation>SGD 和 RMSprop：沿用上一次更新的比例</translation>
    </message>
    <message>
        <source>Nesterov</source>
        <translation>Nesterov 动量</translation>
    </message>
    <message>
        <source>SGD: Nesterov momentum (needs momentum &gt; 0)</source>
        <translation>SGD：Nesterov 动量（需要动量 &gt; 0）</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>L2 penalty (decoupled for AdamW)</source>
        <translation>L2 惩罚（AdamW 为解耦形式）</translation>
    </message>
    <message>
        <source>Betas</source>
        <translation>矩估计衰减率 β</translation>
    </message>
    <message>
        <source>Adam and AdamW: the decay rates of the first and second moment estimates</source>
        <translation>Adam 和 AdamW：一阶和二阶矩估计的衰减率</translation>
    </message>
    <message>
        <source>Epsilon</source>
        <translation>数值稳定项 ε</translation>
    </message>
    <message>
        <source>Adam, AdamW and RMSprop: added to the denominator for numerical stability</source>
        <translation>Adam、AdamW 和 RMSprop：为数值稳定加到分母上的值</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>平滑常数 α</translation>
    </message>
    <message>
        <source>RMSprop: the smoothing constant</source>
        <translation>RMSprop：平滑常数</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>How the learning rate changes over the epochs</source>
        <translation>学习率随轮次变化的方式</translation>
    </message>
    <message>
        <source>Step size (epochs)</source>
        <translation>步长（轮次）</translation>
    </message>
    <message>
        <source>Step schedule: epochs between two decays</source>
        <translation>阶梯调度：两次衰减之间的轮次数</translation>
    </message>
    <message>
        <source>Step gamma</source>
        <translation>阶梯 gamma</translation>
    </message>
    <message>
        <source>Step schedule: the factor the learning rate is multiplied by</source>
        <translation>阶梯调度：学习率每次乘以的系数</translation>
    </message>
    <message>
        <source>Minimum lr (cosine)</source>
        <translation>最小学习率（余弦）</translation>
    </message>
    <message>
        <source>Cosine schedule: the learning rate at the last epoch</source>
        <translation>余弦调度：最后一轮的学习率</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>提前停止</translation>
    </message>
    <message>
        <source>Stop when the watched metric stops improving</source>
        <translation>监视的指标不再改善时停止训练</translation>
    </message>
    <message>
        <source>Watch</source>
        <translation>监视指标</translation>
    </message>
    <message>
        <source>The validation metric early stopping watches</source>
        <translation>提前停止所监视的验证指标</translation>
    </message>
    <message>
        <source>Patience (epochs)</source>
        <translation>耐心（轮次）</translation>
    </message>
    <message>
        <source>Epochs without improvement before training stops</source>
        <translation>停止训练前允许没有改善的轮次数</translation>
    </message>
    <message>
        <source>Minimum improvement</source>
        <translation>最小改善量</translation>
    </message>
    <message>
        <source>The smallest change of the metric that counts as improvement</source>
        <translation>指标的变化至少达到多少才算改善</translation>
    </message>
    <message>
        <source>Gradient clipping (norm, 0 = off)</source>
        <translation>梯度裁剪（范数，0 = 关闭）</translation>
    </message>
    <message>
        <source>The largest global L2 norm of the gradients</source>
        <translation>梯度全局 L2 范数的上限</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Seeds the initial weights and the order of the batches</source>
        <translation>决定初始权重和批次顺序的随机种子</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>auto, cpu, cuda or cuda:N</source>
        <translation>auto、cpu、cuda 或 cuda:N</translation>
    </message>
    <message>
        <source>Threads (0 = all cores)</source>
        <translation>线程数（0 = 全部核心）</translation>
    </message>
    <message>
        <source>CPU threads for training</source>
        <translation>训练使用的 CPU 线程数</translation>
    </message>
    <message>
        <source>Export formats</source>
        <translation>导出格式</translation>
    </message>
    <message>
        <source>What Export writes</source>
        <translation>导出时写出的格式</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>labels: learn the dataset&apos;s classes; input: reconstruct the input itself (an autoencoder, mse loss, no labels used)</source>
        <translation>labels：学习数据集的类别；input：重建输入本身（自编码器，mse 损失，不使用标签）</translation>
    </message>
    <message>
        <source>Table file</source>
        <translation>表格文件</translation>
    </message>
    <message>
        <source>The training table (CSV, plain or .gz) in the dataset folder, or an absolute path</source>
        <translation>数据集文件夹中的训练表格（CSV，普通或 .gz），或绝对路径</translation>
    </message>
    <message>
        <source>Test table file</source>
        <translation>测试表格文件</translation>
    </message>
    <message>
        <source>A separate test table in the dataset folder; empty: the test fraction of the table is held out</source>
        <translation>数据集文件夹中单独的测试表格；留空：按测试比例从表格中留出</translation>
    </message>
    <message>
        <source>Test fraction</source>
        <translation>测试比例</translation>
    </message>
    <message>
        <source>Without a test table: the share of the rows held out for testing, chosen by the split seed (stratified by class)</source>
        <translation>没有测试表格时：留作测试的行所占比例，由划分种子选取（按类别分层）</translation>
    </message>
    <message>
        <source>Feature columns</source>
        <translation>特征列</translation>
    </message>
    <message>
        <source>The columns the model reads, by name or 0-based index; empty: every column but the target</source>
        <translation>模型读取的列，按名称或从 0 开始的索引；留空：除目标外的所有列</translation>
    </message>
    <message>
        <source>Target column</source>
        <translation>目标列</translation>
    </message>
    <message>
        <source>The column to predict, by name or 0-based index</source>
        <translation>要预测的列，按名称或从 0 开始的索引</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>classification: the target names a class; regression: the target is a number the model predicts (one output, mse loss, R^2 and MAE reported)</source>
        <translation>分类：目标是一个类别；回归：目标是模型预测的数值（一个输出、mse 损失，报告 R^2 和 MAE）</translation>
    </message>
    <message>
        <source>Delimiter</source>
        <translation>分隔符</translation>
    </message>
    <message>
        <source>The character between fields; auto: comma, semicolon or tab, detected</source>
        <translation>字段之间的字符；自动：检测逗号、分号或制表符</translation>
    </message>
    <message>
        <source>Header row</source>
        <translation>表头行</translation>
    </message>
    <message>
        <source>yes: the first row names the columns; no: it is data (columns are named by index); auto: detected</source>
        <translation>是：第一行为列名；否：第一行是数据（列以索引命名）；自动：自动检测</translation>
    </message>
    <message>
        <source>Rows to skip</source>
        <translation>跳过的行数</translation>
    </message>
    <message>
        <source>Rows before the header; -1: detect a count line such as scikit-learn&apos;s (&quot;569,30,malignant,benign&quot;)</source>
        <translation>表头之前的行数；-1：检测计数行，例如 scikit-learn 的（&quot;569,30,malignant,benign&quot;）</translation>
    </message>
    <message>
        <source>Most classes</source>
        <translation>最多类别数</translation>
    </message>
    <message>
        <source>Classification: a target column with more distinct values than this is refused (an identifier or a real value is no class)</source>
        <translation>分类：目标列的不同值多于此数时拒绝（标识符或实数值不是类别）</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>通道</translation>
    </message>
    <message>
        <source>auto: what most images are; grayscale or rgb: every image converted to it. /dataset/sample_shape&apos;s first dimension must agree (1 or 3)</source>
        <translation>自动：取大多数图像的类型；灰度或 RGB：所有图像都转换为该类型。/dataset/sample_shape 的第一维必须一致（1 或 3）</translation>
    </message>
    <message>
        <source>Resize</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>How every image becomes the sample size (bilinear): stretch the whole image, or crop: the shorter side fills it and the longer one is cropped evenly around the centre</source>
        <translation>每张图像如何变为样本尺寸（双线性）：拉伸整张图像；或裁剪：短边填满，长边围绕中心均匀裁剪</translation>
    </message>
    <message>
        <source>The share of each class held out as the test split (chosen by the split seed) when there are no separate test images</source>
        <translation>没有单独的测试图像时，每个类别留作测试集的比例（由划分种子选取）</translation>
    </message>
    <message>
        <source>Test folder</source>
        <translation>测试文件夹</translation>
    </message>
    <message>
        <source>A folder of class folders used as the test split; empty: FOLDER/test when the folder has train and test subfolders, else the test fraction</source>
        <translation>用作测试集的类别文件夹所在的文件夹；留空：若文件夹有 train 和 test 子文件夹则用 文件夹/test，否则按测试比例</translation>
    </message>
    <message>
        <source>Training list</source>
        <translation>训练列表</translation>
    </message>
    <message>
        <source>The CSV file in the dataset folder listing the training images and their labels</source>
        <translation>数据集文件夹中列出训练图像及其标签的 CSV 文件</translation>
    </message>
    <message>
        <source>Test list</source>
        <translation>测试列表</translation>
    </message>
    <message>
        <source>The CSV file listing the test images; empty: the test fraction of the training list</source>
        <translation>列出测试图像的 CSV 文件；留空：按测试比例从训练列表中留出</translation>
    </message>
    <message>
        <source>Image column</source>
        <translation>图像列</translation>
    </message>
    <message>
        <source>The header of the column naming each image file, relative to the CSV file (Neural Network Console: x:image)</source>
        <translation>给出每个图像文件（相对于 CSV 文件）的列的表头（Neural Network Console：x:image）</translation>
    </message>
    <message>
        <source>Label column</source>
        <translation>标签列</translation>
    </message>
    <message>
        <source>The header of the label column: class numbers from 0, or class names (sorted into numbers)</source>
        <translation>标签列的表头：从 0 开始的类别编号，或类别名称（排序后编号）</translation>
    </message>
    <message>
        <source>Random horizontal flip</source>
        <translation>随机水平翻转</translation>
    </message>
    <message>
        <source>Augmentation: the probability that a training sample is mirrored left to right</source>
        <translation>数据增强：训练样本左右镜像的概率</translation>
    </message>
    <message>
        <source>Random vertical flip</source>
        <translation>随机垂直翻转</translation>
    </message>
    <message>
        <source>Augmentation: the probability that a training sample is turned upside down</source>
        <translation>数据增强：训练样本上下翻转的概率</translation>
    </message>
    <message>
        <source>Random crop padding (pixels)</source>
        <translation>随机裁剪填充（像素）</translation>
    </message>
    <message>
        <source>Augmentation: pads each training sample by this many pixels of the stored value 0 and crops it back at a random place, moving it by up to this many pixels</source>
        <translation>数据增强：用存储值 0 给每个训练样本填充这么多像素，再在随机位置裁剪回原尺寸，使其最多移动这么多像素</translation>
    </message>
    <message>
        <source>Random rotation (degrees)</source>
        <translation>随机旋转（度）</translation>
    </message>
    <message>
        <source>Augmentation: rotates each training sample by a random angle up to this many degrees either way</source>
        <translation>数据增强：将每个训练样本向任一方向旋转不超过此角度的随机角度</translation>
    </message>
    <message>
        <source>Random zoom (fraction)</source>
        <translation>随机缩放（比例）</translation>
    </message>
    <message>
        <source>Augmentation: zooms each training sample by a random factor from 1 - this to 1 + this</source>
        <translation>数据增强：以 1 - 此值 到 1 + 此值 之间的随机倍数缩放每个训练样本</translation>
    </message>
    <message>
        <source>Random brightness (max change)</source>
        <translation>随机亮度（最大变化）</translation>
    </message>
    <message>
        <source>Augmentation: adds a random offset up to this either way, in the scaled input&apos;s units (0 to 1 for bytes)</source>
        <translation>数据增强：加上不超过此值的正负随机偏移，单位为缩放后输入的单位（字节数据为 0 到 1）</translation>
    </message>
    <message>
        <source>Random contrast (max change)</source>
        <translation>随机对比度（最大变化）</translation>
    </message>
    <message>
        <source>Augmentation: scales each sample&apos;s contrast by a random factor from 1 - this to 1 + this</source>
        <translation>数据增强：以 1 - 此值 到 1 + 此值 之间的随机倍数调整每个样本的对比度</translation>
    </message>
    <message>
        <source>Gaussian noise (std)</source>
        <translation>高斯噪声（标准差）</translation>
    </message>
    <message>
        <source>Augmentation: adds Gaussian noise of this standard deviation, in the scaled input&apos;s units (0 to 1 for bytes)</source>
        <translation>数据增强：加上此标准差的高斯噪声，单位为缩放后输入的单位（字节数据为 0 到 1）</translation>
    </message>
    <message>
        <source>Feature noise (std)</source>
        <translation>特征噪声（标准差）</translation>
    </message>
    <message>
        <source>Augmentation of table rows: adds Gaussian noise of this standard deviation to the standardised features</source>
        <translation>表格行的数据增强：给标准化后的特征加上此标准差的高斯噪声</translation>
    </message>
    <message>
        <source>Augmentation seed (0 = from the training seed)</source>
        <translation>增强种子（0 = 取自训练种子）</translation>
    </message>
    <message>
        <source>Seeds the random augmentation, so that a run is reproducible; 0 derives it from the training seed</source>
        <translation>随机增强的种子，使运行可复现；0 表示由训练种子导出</translation>
    </message>
    <message>
        <source>A run folder, a Torchwright checkpoint, a TorchScript file, a PyTorch checkpoint, or a model version of this project: @current or @v2</source>
        <translation>运行文件夹、Torchwright 检查点、TorchScript 文件、PyTorch 检查点，或本项目的模型版本：@current 或 @v2</translation>
    </message>
    <message>
        <source>Classes shown per input</source>
        <translation>每个输入显示的类别数</translation>
    </message>
    <message>
        <source>How many of the most likely classes the try-it panel shows and a logged prediction keeps</source>
        <translation>试用面板显示、记录的预测保留的最可能类别的数量</translation>
    </message>
    <message>
        <source>Fine-tuning epochs</source>
        <translation>微调 epoch 数</translation>
    </message>
    <message>
        <source>Epochs of fine-tuning from the current version</source>
        <translation>从当前版本开始微调的 epoch 数</translation>
    </message>
    <message>
        <source>Fine-tuning learning rate</source>
        <translation>微调学习率</translation>
    </message>
    <message>
        <source>Small by default: the model starts trained</source>
        <translation>默认较小：模型一开始就已训练过</translation>
    </message>
    <message>
        <source>Feedback weight (oversampling)</source>
        <translation>反馈权重（过采样）</translation>
    </message>
    <message>
        <source>How many times each reviewed feedback item is seen per epoch; fractions are drawn at random</source>
        <translation>每个已审核的反馈条目在每个 epoch 中出现的次数；小数部分随机抽取</translation>
    </message>
    <message>
        <source>Replay fraction</source>
        <translation>回放比例</translation>
    </message>
    <message>
        <source>The share of the original training data mixed into each epoch, so the model does not forget it</source>
        <translation>每个 epoch 中混入的原始训练数据比例，使模型不会遗忘这些数据</translation>
    </message>
    <message>
        <source>Feedback held out</source>
        <translation>反馈留出比例</translation>
    </message>
    <message>
        <source>The share of reviewed items kept out of fine-tuning to measure versions on (the feedback set)</source>
        <translation>不参与微调、留出来衡量版本的已审核条目比例（反馈集）</translation>
    </message>
    <message>
        <source>Names of the layers that keep the current version&apos;s weights</source>
        <translation>保留当前版本权重的层名称</translation>
    </message>
    <message>
        <source>Gate: largest test accuracy drop (points)</source>
        <translation>门槛：测试准确率最大下降幅度（百分点）</translation>
    </message>
    <message>
        <source>A new version may lose at most this many points of test accuracy against the current one</source>
        <translation>新版本相对当前版本最多可损失这么多个百分点的测试准确率</translation>
    </message>
    <message>
        <source>Gate: feedback accuracy must rise</source>
        <translation>门槛：反馈准确率必须提升</translation>
    </message>
    <message>
        <source>A new version must do better than the current one on the feedback set</source>
        <translation>新版本在反馈集上必须优于当前版本</translation>
    </message>
    <message>
        <source>Distillation teacher run</source>
        <translation>蒸馏教师模型运行</translation>
    </message>
    <message>
        <source>A run folder whose model teaches this one (knowledge distillation); empty: train on the labels only</source>
        <translation>一个运行文件夹，其模型用于指导本模型（知识蒸馏）；留空：仅使用标签训练</translation>
    </message>
    <message>
        <source>Teacher checkpoint</source>
        <translation>教师模型检查点</translation>
    </message>
    <message>
        <source>Which of the teacher run&apos;s checkpoints teaches: best or last</source>
        <translation>教师模型运行的哪个检查点用于教学：最佳或最后</translation>
    </message>
    <message>
        <source>Distillation alpha</source>
        <translation>蒸馏 alpha</translation>
    </message>
    <message>
        <source>The weight of the teacher&apos;s soft targets in the loss; the labels&apos; cross-entropy gets 1 - alpha</source>
        <translation>教师模型软目标在损失中的权重；标签的交叉熵权重为 1 - alpha</translation>
    </message>
    <message>
        <source>Distillation temperature</source>
        <translation>蒸馏温度</translation>
    </message>
    <message>
        <source>Divides both models&apos; outputs before the softmax; higher values soften the teacher&apos;s distribution</source>
        <translation>在 softmax 之前除以两个模型的输出；值越高，教师模型的分布越平滑</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>fp32: float32 (TF32 matrix math on GPUs that have it); bf16: mixed precision with bfloat16 (CUDA, and CPUs where LibTorch supports it); fp16: mixed precision with float16 and loss scaling (CUDA only). Weights and checkpoints stay float32</source>
        <translation>fp32：float32（在支持 TF32 的 GPU 上使用 TF32 矩阵运算）；bf16：使用 bfloat16 的混合精度（CUDA，以及 LibTorch 支持的 CPU）；fp16：使用 float16 和损失缩放的混合精度（仅限 CUDA）。权重和检查点保持为 float32</translation>
    </message>
    <message>
        <source>Channels-last memory</source>
        <translation>通道在后（channels-last）内存布局</translation>
    </message>
    <message>
        <source>Convolutional models: keep weights and image batches in NHWC order, which GPU tensor cores prefer</source>
        <translation>卷积模型：以 GPU Tensor Core 更适合的 NHWC 顺序存放权重和图像批次</translation>
    </message>
</context>
<context>
    <name>torchwright::ui</name>
    <message>
        <source>warning: </source>
        <translation>警告：</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::ApplicationPanel</name>
    <message>
        <source>Open files…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>Open folder…</source>
        <translation>打开文件夹…</translation>
    </message>
    <message>
        <source>Test samples…</source>
        <translation>测试样本…</translation>
    </message>
    <message>
        <source>Predict on test samples chosen by index</source>
        <translation>对按索引选择的测试样本进行预测</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Predict on this many test samples drawn at random</source>
        <translation>对随机抽取的这么多测试样本进行预测</translation>
    </message>
    <message>
        <source>Paste rows</source>
        <translation>粘贴行</translation>
    </message>
    <message>
        <source>Predict on CSV rows from the clipboard, the header line first</source>
        <translation>对剪贴板中的 CSV 行进行预测，第一行为表头</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Other classes</source>
        <translation>其他类别</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Click to sort; ascending puts the doubtful predictions first</source>
        <translation>点击排序；升序时不确定的预测排在前面</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>正确</translation>
    </message>
    <message>
        <source>The predicted class is correct: log the prediction and the review</source>
        <translation>预测的类别正确：记录该预测和审核</translation>
    </message>
    <message>
        <source>Wrong, it is:</source>
        <translation>错误，应为：</translation>
    </message>
    <message>
        <source>Log the prediction with the correct class (or value) chosen beside</source>
        <translation>记录该预测及旁边选择的正确类别（或值）</translation>
    </message>
    <message>
        <source>correct value</source>
        <translation>正确值</translation>
    </message>
    <message>
        <source>Type the correct value first.</source>
        <translation>请先输入正确值。</translation>
    </message>
    <message>
        <source>Save the project first: its model versions and feedback are kept beside it.</source>
        <translation>请先保存项目：其模型版本和反馈保存在项目旁边。</translation>
    </message>
    <message>
        <source>Trying %1, the current version (run %2). Drop image files or a folder here, or choose inputs below.</source>
        <translation>正在试用 %1，即当前版本（运行 %2）。将图像文件或文件夹拖放到此处，或在下方选择输入。</translation>
    </message>
    <message>
        <source>There is no model version yet. Train a run, then register it under Model update: the first version registered becomes current and is tried here.</source>
        <translation>还没有模型版本。请先训练一个运行，然后在“模型更新”中登记它：第一个登记的版本会成为当前版本，并在此处试用。</translation>
    </message>
    <message>
        <source>The model registry cannot be read: %1</source>
        <translation>无法读取模型登记表：%1</translation>
    </message>
    <message>
        <source>The current version changed to %1; the rows above were predicted by %2.</source>
        <translation>当前版本已变为 %1；上面各行是由 %2 预测的。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>There is no current model version to predict with.</source>
        <translation>没有可用于预测的当前模型版本。</translation>
    </message>
    <message>
        <source>Predicting %1…</source>
        <translation>正在预测 %1…</translation>
    </message>
    <message>
        <source>%1 inputs</source>
        <translation>%1 个输入</translation>
    </message>
    <message>
        <source>%1 test sample(s)</source>
        <translation>%1 个测试样本</translation>
    </message>
    <message>
        <source>The current version records no test split to draw from.</source>
        <translation>当前版本没有记录可供抽取的测试集。</translation>
    </message>
    <message>
        <source>Cannot write the pasted rows to %1: %2</source>
        <translation>无法将粘贴的行写入 %1：%2</translation>
    </message>
    <message>
        <source>Nothing to predict on there.</source>
        <translation>那里没有可预测的内容。</translation>
    </message>
    <message>
        <source>%1 prediction(s) by %2. Select rows and mark them right or wrong; sort by Confidence to see the doubtful ones first.</source>
        <translation>%2 给出了 %1 个预测。选择行并将其标记为正确或错误；按“置信度”排序可先查看不确定的预测。</translation>
    </message>
    <message>
        <source>Save the project first: the feedback store is kept beside it.</source>
        <translation>请先保存项目：反馈存储保存在项目旁边。</translation>
    </message>
    <message>
        <source>%1 has no file to keep in the feedback store.</source>
        <translation>%1 没有可保存到反馈存储中的文件。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>right</source>
        <translation>正确</translation>
    </message>
    <message>
        <source>Choose the correct class first.</source>
        <translation>请先选择正确类别。</translation>
    </message>
    <message>
        <source>wrong: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>Logged in the feedback store: %1 (%2).</source>
        <translation>已记录到反馈存储：%1（%2）。</translation>
    </message>
    <message>
        <source>Inputs to try</source>
        <translation>要试用的输入</translation>
    </message>
    <message>
        <source>Inputs (*.png *.jpg *.jpeg *.bmp *.csv *.npy *.idx *.gz *-ubyte);;All files (*)</source>
        <translation>输入 (*.png *.jpg *.jpeg *.bmp *.csv *.npy *.idx *.gz *-ubyte);;所有文件 (*)</translation>
    </message>
    <message>
        <source>A folder of images to try</source>
        <translation>要试用的图像文件夹</translation>
    </message>
    <message>
        <source>Test samples</source>
        <translation>测试样本</translation>
    </message>
    <message>
        <source>Indices of test samples (0 to %1), separated by commas:</source>
        <translation>测试样本的索引（0 到 %1），用逗号分隔：</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a test sample index (0 to %2).</source>
        <translation>“%1”不是测试样本索引（0 到 %2）。</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::AugmentPreview</name>
    <message>
        <source>&lt;b&gt;Augmentation preview&lt;/b&gt;: each sample as stored (grey frame) above the same sample as a training batch sees it (coloured frame)</source>
        <translation>&lt;b&gt;数据增强预览&lt;/b&gt;：上方为存储的样本（灰框），下方为训练批次看到的同一样本（彩框）</translation>
    </message>
    <message>
        <source>New draw</source>
        <translation>重新抽取</translation>
    </message>
    <message>
        <source>Draw other random augmentations of the same samples</source>
        <translation>对相同样本抽取其他随机增强</translation>
    </message>
    <message>
        <source>Reading samples…</source>
        <translation>正在读取样本…</translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation>无预览：%1</translation>
    </message>
    <message>
        <source>No preview: the data has no samples to show</source>
        <translation>无预览：数据中没有可显示的样本</translation>
    </message>
    <message>
        <source>Augmentation is on for training batches; validation and test data stay as stored</source>
        <translation>训练批次已开启数据增强；验证和测试数据保持原样</translation>
    </message>
    <message>
        <source>Augmentation is off: training sees the samples as stored</source>
        <translation>数据增强已关闭：训练使用原样样本</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::BackgroundJobs</name>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::CompareDialog</name>
    <message>
        <source>… %1 more</source>
        <translation>…… 另有 %1 项</translation>
    </message>
    <message>
        <source>%1 against %2</source>
        <translation>%1 对比 %2</translation>
    </message>
    <message>
        <source>passed:</source>
        <translation>通过：</translation>
    </message>
    <message>
        <source>failed:</source>
        <translation>未通过：</translation>
    </message>
    <message>
        <source>The gate passes: %1 may be promoted.</source>
        <translation>门槛通过：%1 可以提升为当前版本。</translation>
    </message>
    <message>
        <source>The gate fails: promoting %1 needs an override.</source>
        <translation>门槛未通过：将 %1 提升为当前版本需要强制覆盖。</translation>
    </message>
    <message>
        <source>The test split read now differs from the one a version was measured on: the figures are of today&apos;s data.</source>
        <translation>现在读取的测试集与某个版本测量时所用的测试集不同：这些数字基于今天的数据。</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Test R²</source>
        <translation>测试 R²</translation>
    </message>
    <message>
        <source>Test MAE</source>
        <translation>测试 MAE</translation>
    </message>
    <message>
        <source>Test accuracy (%1 samples)</source>
        <translation>测试准确率（%1 个样本）</translation>
    </message>
    <message>
        <source>Test loss</source>
        <translation>测试损失</translation>
    </message>
    <message>
        <source>Feedback set accuracy (%1 items)</source>
        <translation>反馈集准确率（%1 项）</translation>
    </message>
    <message>
        <source>Feedback set</source>
        <translation>反馈集</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <source>Test samples newly fixed / broken</source>
        <translation>测试样本新修正 / 新出错</translation>
    </message>
    <message>
        <source>Feedback items newly fixed / broken</source>
        <translation>反馈项新修正 / 新出错</translation>
    </message>
    <message>
        <source>Latency, batch 1 (ms)</source>
        <translation>延迟，批大小 1（毫秒）</translation>
    </message>
    <message>
        <source>Model size (KiB)</source>
        <translation>模型大小（KiB）</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Overall</source>
        <translation>总体</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Recall %1</source>
        <translation>召回率 %1</translation>
    </message>
    <message>
        <source>Precision %1</source>
        <translation>精确率 %1</translation>
    </message>
    <message>
        <source>Per class</source>
        <translation>按类别</translation>
    </message>
    <message>
        <source>Rows: true class; columns: predicted class. Each cell is %1&apos;s count minus %2&apos;s: green where %1 does better (more on the diagonal, fewer off it).</source>
        <translation>行：真实类别；列：预测类别。每个单元格是 %1 的计数减去 %2 的计数：绿色表示 %1 表现更好（对角线上更多，对角线外更少）。</translation>
    </message>
    <message>
        <source>Confusion change</source>
        <translation>混淆变化</translation>
    </message>
    <message>
        <source>Newly fixed: %1 got them wrong, %2 gets them right (%3)</source>
        <translation>新修正：%1 预测错误，%2 预测正确（%3）</translation>
    </message>
    <message>
        <source>Newly broken: %1 got them right, %2 gets them wrong (%3)</source>
        <translation>新出错：%1 预测正确，%2 预测错误（%3）</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Promote %1…</source>
        <translation>将 %1 提升为当前版本…</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::CompressPanel</name>
    <message>
        <source>%1 MB</source>
        <translation>%1 MB</translation>
    </message>
    <message>
        <source>%1 kB</source>
        <translation>%1 kB</translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>original</source>
        <translation>原始</translation>
    </message>
    <message>
        <source>pruned</source>
        <translation>已剪枝</translation>
    </message>
    <message>
        <source>int8</source>
        <translation>int8</translation>
    </message>
    <message>
        <source>distilled</source>
        <translation>已蒸馏</translation>
    </message>
    <message>
        <source>Training in %1</source>
        <translation>训练中：%1</translation>
    </message>
    <message>
        <source>Epoch %1 of %2: training loss %3</source>
        <translation>第 %1/%2 轮：训练损失 %3</translation>
    </message>
    <message>
        <source>, validation accuracy %1 %</source>
        <translation>，验证准确率 %1 %</translation>
    </message>
    <message>
        <source>Training ended: %1</source>
        <translation>训练结束：%1</translation>
    </message>
    <message>
        <source>Compress</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>Prune</source>
        <translation>剪枝</translation>
    </message>
    <message>
        <source>Quantize to int8</source>
        <translation>量化为 int8</translation>
    </message>
    <message>
        <source>Distill into a student</source>
        <translation>蒸馏为学生模型</translation>
    </message>
    <message>
        <source>Source run</source>
        <translation>源运行</translation>
    </message>
    <message>
        <source>Technique</source>
        <translation>技术</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Progress and log lines of the technique and the measurements</source>
        <translation>该技术及测量的进度和日志行</translation>
    </message>
    <message>
        <source> points</source>
        <translation> 个百分点</translation>
    </message>
    <message>
        <source>Test accuracy a compressed model may lose against the original and still pass</source>
        <translation>压缩模型相对于原始模型可损失、且仍能通过的测试准确率</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>测量</translation>
    </message>
    <message>
        <source>Measure the source run and every run made from it: sizes, latency, test accuracy</source>
        <translation>测量源运行及由其生成的每个运行：大小、延迟、测试准确率</translation>
    </message>
    <message>
        <source>Register as version…</source>
        <translation>注册为版本…</translation>
    </message>
    <message>
        <source>Make the selected row&apos;s run a new model version (Model update)</source>
        <translation>将所选行的运行设为新的模型版本（模型更新）</translation>
    </message>
    <message>
        <source>Allowed drop</source>
        <translation>允许下降</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>Size
TS / ONNX</source>
        <translation>大小
TS / ONNX</translation>
    </message>
    <message>
        <source>LibTorch ms
batch 1 / 64</source>
        <translation>LibTorch 毫秒
批次 1 / 64</translation>
    </message>
    <message>
        <source>ORT ms
batch 1 / 64</source>
        <translation>ORT 毫秒
批次 1 / 64</translation>
    </message>
    <message>
        <source>Test
accuracy</source>
        <translation>测试
准确率</translation>
    </message>
    <message>
        <source>Change
points</source>
        <translation>变化
百分点</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Multiply-adds per sample, from the layer graph</source>
        <translation>每个样本的乘加运算次数，根据层图计算</translation>
    </message>
    <message>
        <source>All parameters; the non-zero ones in brackets when pruning zeroed some</source>
        <translation>全部参数；若剪枝将部分参数置零，则括号内为非零参数</translation>
    </message>
    <message>
        <source>The exported TorchScript and ONNX files; an int8 model has only its ONNX file</source>
        <translation>导出的 TorchScript 和 ONNX 文件；int8 模型只有 ONNX 文件</translation>
    </message>
    <message>
        <source>Median CPU milliseconds per batch of real test samples in LibTorch</source>
        <translation>在 LibTorch 中处理一批真实测试样本的 CPU 毫秒数中位数</translation>
    </message>
    <message>
        <source>Median CPU milliseconds per batch of real test samples in ONNX Runtime (ORT)</source>
        <translation>在 ONNX Runtime (ORT) 中处理一批真实测试样本的 CPU 毫秒数中位数</translation>
    </message>
    <message>
        <source>On the full test split</source>
        <translation>在完整测试集上</translation>
    </message>
    <message>
        <source>Test accuracy against the original, in points</source>
        <translation>相对于原始模型的测试准确率变化，以百分点计</translation>
    </message>
    <message>
        <source>Unstructured: the share of the weights set to zero. Structured: the share of the multiply-adds removed with whole channels and neurons.</source>
        <translation>非结构化：置零权重的比例。结构化：通过移除整个通道和神经元而去掉的乘加运算比例。</translation>
    </message>
    <message>
        <source>Structured: remove whole channels</source>
        <translation>结构化：移除整个通道</translation>
    </message>
    <message>
        <source>L1 norm of the weights</source>
        <translation>权重的 L1 范数</translation>
    </message>
    <message>
        <source>Taylor score (weight × gradient)</source>
        <translation>Taylor 分数（权重 × 梯度）</translation>
    </message>
    <message>
        <source>The amount is reached over this many steps, each followed by fine-tuning</source>
        <translation>通过这么多步达到该剪枝量，每步之后进行微调</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>剪枝量</translation>
    </message>
    <message>
        <source>Channel score</source>
        <translation>通道评分</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Fine-tuning epochs per step</source>
        <translation>每步微调轮数</translation>
    </message>
    <message>
        <source>Static (calibrated activations)</source>
        <translation>静态（校准激活值）</translation>
    </message>
    <message>
        <source>Dynamic (Linear, LSTM, GRU weights)</source>
        <translation>动态（Linear、LSTM、GRU 权重）</translation>
    </message>
    <message>
        <source>Training samples the observers see to choose the activations&apos; ranges</source>
        <translation>观察器用于确定激活值范围的训练样本数</translation>
    </message>
    <message>
        <source>Min/max</source>
        <translation>最小/最大值</translation>
    </message>
    <message>
        <source>Percentile</source>
        <translation>百分位数</translation>
    </message>
    <message>
        <source>Entropy</source>
        <translation>熵</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Calibration samples</source>
        <translation>校准样本数</translation>
    </message>
    <message>
        <source>Observer</source>
        <translation>观察器</translation>
    </message>
    <message>
        <source>The student&apos;s project file (.json)</source>
        <translation>学生模型的项目文件 (.json)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>the student&apos;s setting</source>
        <translation>学生模型的设置</translation>
    </message>
    <message>
        <source>The share of the loss that follows the teacher; the rest is cross-entropy</source>
        <translation>损失中跟随教师模型的比例；其余部分为交叉熵</translation>
    </message>
    <message>
        <source>Softens both models&apos; outputs before they are compared</source>
        <translation>在比较之前平滑两个模型的输出</translation>
    </message>
    <message>
        <source>Student project</source>
        <translation>学生模型项目</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>Alpha</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>The student project</source>
        <translation>学生模型项目</translation>
    </message>
    <message>
        <source>Torchwright projects (*.json)</source>
        <translation>Torchwright 项目 (*.json)</translation>
    </message>
    <message>
        <source>— %1</source>
        <translation>— %1</translation>
    </message>
    <message>
        <source>Save the project and train it first: compression starts from a completed run.</source>
        <translation>请先保存项目并进行训练：压缩从已完成的运行开始。</translation>
    </message>
    <message>
        <source>Compression starts from a completed run: train the model on the Dashboard first.</source>
        <translation>压缩从已完成的运行开始：请先在仪表板上训练模型。</translation>
    </message>
    <message>
        <source>Make a smaller or faster model from a completed run, then compare it with the original in the table: each technique writes a new run.</source>
        <translation>从已完成的运行生成更小或更快的模型，然后在表格中与原始模型比较：每种技术都会写入一个新的运行。</translation>
    </message>
    <message>
        <source>not measured</source>
        <translation>未测量</translation>
    </message>
    <message>
        <source>no accuracy</source>
        <translation>无准确率</translation>
    </message>
    <message>
        <source>✔ passes</source>
        <translation>✔ 通过</translation>
    </message>
    <message>
        <source>✘ fails</source>
        <translation>✘ 未通过</translation>
    </message>
    <message>
        <source>Loses %1 points at most: %2</source>
        <translation>最多损失 %1 个百分点：%2</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Save the project first: its versions are kept beside it</source>
        <translation>请先保存项目：其版本保存在项目旁边</translation>
    </message>
    <message>
        <source>Make the selected row&apos;s run a new model version</source>
        <translation>将所选行的运行设为新的模型版本</translation>
    </message>
    <message>
        <source>Choose the student&apos;s project file first: the smaller model to train from this run.</source>
        <translation>请先选择学生模型的项目文件：即要从此运行训练的较小模型。</translation>
    </message>
    <message>
        <source>Register as version</source>
        <translation>注册为版本</translation>
    </message>
    <message>
        <source>Make %1 a new model version. A note for the registry (optional):</source>
        <translation>将 %1 设为新的模型版本。注册表备注（可选）：</translation>
    </message>
    <message>
        <source>Registering %1: measuring it on the test split and the feedback set…</source>
        <translation>正在注册 %1：在测试集和反馈集上测量…</translation>
    </message>
    <message>
        <source>Registered %1; it is the current version.</source>
        <translation>已注册 %1；它是当前版本。</translation>
    </message>
    <message>
        <source>Registered %1. Compare it with the current version under Model update, then promote it.</source>
        <translation>已注册 %1。请在“模型更新”中将其与当前版本比较，然后再提升它。</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::CompressWork</name>
    <message numerus="yes">
        <source>Measuring the table: the source run and %n run(s) made from it…</source>
        <translation>
            <numerusform>正在测量表格：源运行及由其生成的 %n 个运行…</numerusform>
        </translation>
    </message>
    <message>
        <source>Pruning %1…</source>
        <translation>正在剪枝 %1…</translation>
    </message>
    <message>
        <source>Pruned into %1: %2 → %3 parameters, %4 → %5 multiply-adds.</source>
        <translation>已剪枝为 %1：参数 %2 → %3，乘加运算 %4 → %5。</translation>
    </message>
    <message>
        <source>Quantizing %1 to int8…</source>
        <translation>正在将 %1 量化为 int8…</translation>
    </message>
    <message>
        <source>Quantized into %1: ONNX %2 → %3.</source>
        <translation>已量化为 %1：ONNX %2 → %3。</translation>
    </message>
    <message>
        <source>The int8 model predicts the float model&apos;s class on %1 % of %2 test samples.</source>
        <translation>在 %2 个测试样本中，int8 模型对 %1 % 的样本预测出与浮点模型相同的类别。</translation>
    </message>
    <message>
        <source>Distilling %1 into %2…</source>
        <translation>正在将 %1 蒸馏为 %2…</translation>
    </message>
    <message>
        <source>Distilled into %1 (%2 epoch(s)).</source>
        <translation>已蒸馏为 %1（%2 轮）。</translation>
    </message>
    <message>
        <source>Measuring %1 and the runs made from it…</source>
        <translation>正在测量 %1 及由其生成的运行…</translation>
    </message>
    <message numerus="yes">
        <source>Measured %n run(s).</source>
        <translation>
            <numerusform>已测量 %n 个运行。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>torchwright::ui::Dashboard</name>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Device to train on; &quot;auto&quot; takes the first GPU when there is one</source>
        <translation>训练所用的设备；“auto” 在有 GPU 时使用第一块 GPU</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>CPU threads for LibTorch; auto uses every core</source>
        <translation>LibTorch 使用的 CPU 线程数；自动即使用全部核心</translation>
    </message>
    <message>
        <source>as planned</source>
        <translation>按计划</translation>
    </message>
    <message>
        <source>Epochs for this run (resuming: the total); &quot;as planned&quot; keeps the project&apos;s (or the run&apos;s) setting</source>
        <translation>本次运行的轮次（继续训练时为总轮次）；“按计划”沿用项目（或该运行）的设置</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Training loss per batch</source>
        <translation>每批次的训练损失</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>smoothed</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>Loss per epoch</source>
        <translation>每轮次的损失</translation>
    </message>
    <message>
        <source>Accuracy per epoch</source>
        <translation>每轮次的准确率</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message numerus="yes">
        <source>Not started: the project has %n problem(s); fix them first. %1</source>
        <translation>
            <numerusform>未开始：项目有 %n 个问题，请先修正。%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Resuming %1…</source>
        <translation>正在继续 %1…</translation>
    </message>
    <message>
        <source>Stopping after the current batch…</source>
        <translation>当前批次结束后停止…</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Training %1</source>
        <translation>正在训练 %1</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <source>epoch %1/%2, batch %3/%4</source>
        <translation>轮次 %1/%2，批次 %3/%4</translation>
    </message>
    <message>
        <source>%1 samples/s</source>
        <translation>%1 样本/秒</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>预计剩余 %1</translation>
    </message>
    <message>
        <source>(no run folder)</source>
        <translation>（无运行文件夹）</translation>
    </message>
    <message>
        <source>Run %1 failed: %2</source>
        <translation>运行 %1 失败：%2</translation>
    </message>
    <message>
        <source>Run %1 completed</source>
        <translation>运行 %1 已完成</translation>
    </message>
    <message>
        <source>Run %1: %2</source>
        <translation>运行 %1：%2</translation>
    </message>
    <message>
        <source>Smoothing of the batch loss: an exponential moving average (0: the raw curve; 0.99: the calmest). The raw curve stays faint behind it.</source>
        <translation>批次损失的平滑：指数移动平均（0：原始曲线；0.99：最平稳）。原始曲线以浅色显示在其后。</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>No run is training</source>
        <translation>没有正在训练的运行</translation>
    </message>
    <message>
        <source>Train the project as it is now, in a new run folder</source>
        <translation>按项目当前状态训练，结果存入新的运行文件夹</translation>
    </message>
    <message>
        <source>A run is training; stop it first</source>
        <translation>有运行正在训练；请先停止它</translation>
    </message>
    <message>
        <source>Pause after the current batch</source>
        <translation>当前批次结束后暂停</translation>
    </message>
    <message>
        <source>The run is stopping</source>
        <translation>运行正在停止</translation>
    </message>
    <message>
        <source>The run is paused already</source>
        <translation>运行已暂停</translation>
    </message>
    <message>
        <source>Continue the paused run</source>
        <translation>继续已暂停的运行</translation>
    </message>
    <message>
        <source>No run is paused (a stopped run continues with Resume in the Runs panel)</source>
        <translation>没有已暂停的运行（已停止的运行可在“运行”面板中用“继续”接着训练）</translation>
    </message>
    <message>
        <source>The run is not paused</source>
        <translation>运行未暂停</translation>
    </message>
    <message>
        <source>Stop after the current batch; the last checkpoint stays, so the run can be resumed</source>
        <translation>当前批次结束后停止；最后的检查点会保留，因此运行可以继续</translation>
    </message>
    <message>
        <source>The run is stopping already</source>
        <translation>运行已在停止中</translation>
    </message>
    <message>
        <source>reading data: %1 of %2</source>
        <translation>正在读取数据：%1 / %2</translation>
    </message>
    <message>
        <source>Fine-tuning from %1…</source>
        <translation>正在从 %1 微调…</translation>
    </message>
    <message>
        <source>soft part (teacher)</source>
        <translation>软部分（教师模型）</translation>
    </message>
    <message>
        <source>hard part (labels)</source>
        <translation>硬部分（标签）</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::DataPreview</name>
    <message>
        <source>Data preview</source>
        <translation>数据预览</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新读取</translation>
    </message>
    <message>
        <source>Read the data again, for example after its files changed</source>
        <translation>重新读取数据，例如在文件更改之后</translation>
    </message>
    <message>
        <source>Class balance</source>
        <translation>类别分布</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Mean and standard deviation (training split, before normalisation)</source>
        <translation>均值和标准差（训练集，归一化之前）</translation>
    </message>
    <message>
        <source>Image sizes before resizing</source>
        <translation>缩放前的图像尺寸</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reading the data</source>
        <translation>正在读取数据</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Reading the data…</source>
        <translation>正在读取数据…</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <source>Reading the data: %1 of %2</source>
        <translation>正在读取数据：%1 / %2</translation>
    </message>
    <message>
        <source>Reading the data was cancelled. Reload reads it again.</source>
        <translation>数据读取已取消。点击“重新读取”可再次读取。</translation>
    </message>
    <message>
        <source>The data cannot be read: %1</source>
        <translation>无法读取数据：%1</translation>
    </message>
    <message>
        <source>%1 training and %2 test samples, classes: %3</source>
        <translation>%1 个训练样本和 %2 个测试样本，类别：%3</translation>
    </message>
    <message>
        <source>%1 training and %2 test samples</source>
        <translation>%1 个训练样本和 %2 个测试样本</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>The first rows of the table (%1)</source>
        <translation>表格的前几行（%1）</translation>
    </message>
    <message>
        <source>Samples of each class (training split)</source>
        <translation>各类别的样本（训练集）</translation>
    </message>
    <message>
        <source>mean %1, std %2</source>
        <translation>均值 %1，标准差 %2</translation>
    </message>
    <message>
        <source>red</source>
        <translation>红</translation>
    </message>
    <message>
        <source>green</source>
        <translation>绿</translation>
    </message>
    <message>
        <source>blue</source>
        <translation>蓝</translation>
    </message>
    <message>
        <source>channel %1</source>
        <translation>通道 %1</translation>
    </message>
    <message>
        <source>%1: mean %2, std %3</source>
        <translation>%1：均值 %2，标准差 %3</translation>
    </message>
    <message>
        <source>%1: %2 files</source>
        <translation>%1：%2 个文件</translation>
    </message>
    <message>
        <source>other sizes (%1): %2 files</source>
        <translation>其他尺寸（%1 种）：%2 个文件</translation>
    </message>
    <message>
        <source>No input was skipped</source>
        <translation>没有跳过任何输入</translation>
    </message>
    <message>
        <source>Skipped inputs, left out of training and testing: %1</source>
        <translation>已跳过的输入（不参与训练和测试）：%1</translation>
    </message>
    <message>
        <source>Write the classes the data defines into Classes and Class names (one undo step)</source>
        <translation>把数据定义的类别写入“类别数”和“类别名称”（一步撤销）</translation>
    </message>
    <message>
        <source>Use the data&apos;s %1 classes</source>
        <translation>使用数据中的 %1 个类别</translation>
    </message>
    <message>
        <source>Use the data&apos;s classes</source>
        <translation>使用数据中的类别</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::EvaluationPanel</name>
    <message>
        <source>No evaluation yet: choose a run and Evaluate.</source>
        <translation>尚无评估：请选择一个运行并点击“评估”。</translation>
    </message>
    <message>
        <source>predicted class</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>true class</source>
        <translation>真实类别</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Click a cell to see its test samples</source>
        <translation>点击单元格查看其测试样本</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <source>Evaluating %1…</source>
        <translation>正在评估 %1…</translation>
    </message>
    <message>
        <source>Evaluation of %1 failed: %2</source>
        <translation>%1 的评估失败：%2</translation>
    </message>
    <message>
        <source>evaluation of %1 failed: %2</source>
        <translation>%1 的评估失败：%2</translation>
    </message>
    <message>
        <source>%1: test accuracy %2 (%3 of %4 samples), loss %5; checkpoint %6</source>
        <translation>%1：测试准确率 %2（%4 个样本中 %3 个正确），损失 %5；检查点 %6</translation>
    </message>
    <message>
        <source>Click a cell of the matrix to see its samples.</source>
        <translation>点击矩阵中的单元格查看其样本。</translation>
    </message>
    <message>
        <source>The confusion matrix is shown for at most %1 classes; this run has %2.</source>
        <translation>混淆矩阵最多显示 %1 个类别；此运行有 %2 个。</translation>
    </message>
    <message>
        <source>evaluated %1: test accuracy %2 on %3 samples</source>
        <translation>已评估 %1：在 %3 个样本上的测试准确率为 %2</translation>
    </message>
    <message>
        <source>Loading %1 sample(s)…</source>
        <translation>正在加载 %1 个样本…</translation>
    </message>
    <message>
        <source>The test samples cannot be shown: %1</source>
        <translation>无法显示测试样本：%1</translation>
    </message>
    <message>
        <source>test samples of %1: %2</source>
        <translation>%1 的测试样本：%2</translation>
    </message>
    <message>
        <source>true %1
pred. %2</source>
        <translation>真实 %1
预测 %2</translation>
    </message>
    <message>
        <source>test sample %1: true %2, predicted %3</source>
        <translation>测试样本 %1：真实 %2，预测 %3</translation>
    </message>
    <message>
        <source>True %1, predicted %2: %3 samples, the first %4 shown</source>
        <translation>真实 %1，预测 %2：%3 个样本，显示前 %4 个</translation>
    </message>
    <message>
        <source>True %1, predicted %2: %3 sample(s)</source>
        <translation>真实 %1，预测 %2：%3 个样本</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>%1: reconstruction MSE %2 on %3 test samples; checkpoint %4</source>
        <translation>%1：在 %3 个测试样本上的重建 MSE 为 %2；检查点 %4</translation>
    </message>
    <message>
        <source>This model reconstructs its input (target: input): it has no classes.</source>
        <translation>此模型重建其输入（目标：input）：没有类别。</translation>
    </message>
    <message>
        <source>evaluated %1: reconstruction MSE %2 on %3 samples</source>
        <translation>已评估 %1：在 %3 个样本上的重建 MSE 为 %2</translation>
    </message>
    <message>
        <source>true %1, predicted %2: %3 sample(s), %4 of the true %1</source>
        <translation>真实 %1，预测 %2：%3 个样本，占真实 %1 的 %4</translation>
    </message>
    <message>
        <source>true value</source>
        <translation>真实值</translation>
    </message>
    <message>
        <source>predicted value</source>
        <translation>预测值</translation>
    </message>
    <message>
        <source>%1: test R² %2, mean absolute error %3, MSE %4 on %5 samples; checkpoint %6</source>
        <translation>%1：测试 R² %2，平均绝对误差 %3，MSE %4，共 %5 个样本；检查点 %6</translation>
    </message>
    <message>
        <source>A regression: each point is a test sample, its true value across and the model&apos;s prediction up; on the dashed line they agree.</source>
        <translation>回归：每个点是一个测试样本，横轴为真实值，纵轴为模型预测值；在虚线上两者一致。</translation>
    </message>
    <message>
        <source>evaluated %1: test R² %2, MAE %3 on %4 samples</source>
        <translation>已评估 %1：测试 R² %2，MAE %3，共 %4 个样本</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::ExportDialog</name>
    <message>
        <source>Export %1</source>
        <translation>导出 %1</translation>
    </message>
    <message>
        <source>Formats</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Each export is checked against the trained model before it is written.</source>
        <translation>每个导出在写入前都会与训练好的模型核对。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Run: %1 (best checkpoint)</source>
        <translation>运行：%1（最佳检查点）</translation>
    </message>
    <message>
        <source>Export into</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Tick at least one format and choose a folder.</source>
        <translation>请至少勾选一种格式并选择文件夹。</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <source>Exporting to %1 …</source>
        <translation>正在导出到 %1 …</translation>
    </message>
    <message>
        <source>%1: wrote %2</source>
        <translation>%1：已写入 %2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <source>Finished with errors.</source>
        <translation>已完成，但有错误。</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::FeedbackPanel</name>
    <message>
        <source>All items</source>
        <translation>全部条目</translation>
    </message>
    <message>
        <source>Unreviewed</source>
        <translation>未审核</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>Wrong</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>正确</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Per class: reviewed items whose correct class it is, and how many of them the prediction got wrong</source>
        <translation>按类别：正确类别为该类别的已审核条目数，以及其中预测错误的条目数</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Wrong, it is:</source>
        <translation>错误，应为：</translation>
    </message>
    <message>
        <source>correct value</source>
        <translation>正确值</translation>
    </message>
    <message>
        <source>Undo review</source>
        <translation>撤销审核</translation>
    </message>
    <message>
        <source>Take back the review in force of the selected items</source>
        <translation>撤回所选条目当前生效的审核</translation>
    </message>
    <message>
        <source>Type the correct value first.</source>
        <translation>请先输入正确值。</translation>
    </message>
    <message>
        <source>All classes</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>Save the project first: the feedback store is kept beside it.</source>
        <translation>请先保存项目：反馈存储保存在项目旁边。</translation>
    </message>
    <message>
        <source>%1 items: %2 reviewed (%3 right, %4 wrong), %5 to review.</source>
        <translation>%1 项：%2 项已审核（%3 项正确，%4 项错误），%5 项待审核。</translation>
    </message>
    <message>
        <source>%1: %2 (%3 wrong)</source>
        <translation>%1：%2（%3 项错误）</translation>
    </message>
    <message>
        <source>Reviewed per class: %1</source>
        <translation>按类别的已审核数：%1</translation>
    </message>
    <message>
        <source>All versions</source>
        <translation>全部版本</translation>
    </message>
    <message>
        <source>(not predicted)</source>
        <translation>（无预测）</translation>
    </message>
    <message>
        <source>right</source>
        <translation>正确</translation>
    </message>
    <message>
        <source>wrong: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>The prediction is correct</source>
        <translation>预测正确</translation>
    </message>
    <message>
        <source>An item given as a correction has no prediction to call right</source>
        <translation>作为更正给出的条目没有可判为正确的预测</translation>
    </message>
    <message>
        <source>Choose the correct class first.</source>
        <translation>请先选择正确类别。</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::FinetunePanel</name>
    <message>
        <source>Fine-tune</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>Save the project first: its model versions and feedback are kept beside it.</source>
        <translation>请先保存项目：其模型版本和反馈保存在项目旁边。</translation>
    </message>
    <message>
        <source>Fine-tuning starts from a model version: register a completed run under Model update first.</source>
        <translation>微调需要从某个模型版本开始：请先在“模型更新”中登记一个已完成的运行。</translation>
    </message>
    <message>
        <source>Fine-tunes %1 for %2 epoch(s) at learning rate %3 on %4 reviewed feedback item(s), each seen %5 times an epoch, mixed with %6 % of the original training data drawn anew each epoch. %7 reviewed item(s) are held out as the feedback set versions are measured on.</source>
        <translation>从 %1 开始微调 %2 个轮次，学习率 %3，使用 %4 个已审核的反馈条目，每个条目每轮出现 %5 次，并混入每轮重新抽取的 %6 % 原始训练数据。%7 个已审核条目被留出，作为测量各版本所用的反馈集。</translation>
    </message>
    <message>
        <source>Frozen: %1.</source>
        <translation>已冻结：%1。</translation>
    </message>
    <message>
        <source>No reviewed item to learn from yet: review predictions under User feedback (or Application) first.</source>
        <translation>还没有可供学习的已审核条目：请先在“用户反馈”（或“应用”）中审核预测。</translation>
    </message>
    <message>
        <source>Fine-tune from %1</source>
        <translation>从 %1 微调</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::GraphEditor</name>
    <message>
        <source>Cu&amp;t</source>
        <translation>剪切(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation>复制副本(&amp;U)</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Fit to View</source>
        <translation>适应视图(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Arrange Layers</source>
        <translation>排列层(&amp;A)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>1 layer</source>
        <translation>1 层</translation>
    </message>
    <message>
        <source>%1 layers</source>
        <translation>%1 层</translation>
    </message>
    <message>
        <source>%1 parameters</source>
        <translation>%1 个参数</translation>
    </message>
    <message>
        <source>%1 multiply-adds</source>
        <translation>%1 次乘加</translation>
    </message>
    <message>
        <source>1 problem</source>
        <translation>1 个问题</translation>
    </message>
    <message>
        <source>%1 problems</source>
        <translation>%1 个问题</translation>
    </message>
    <message>
        <source>Cut</source>
        <translation>剪切</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Add Layer &amp;Below</source>
        <translation>在下方添加层(&amp;B)</translation>
    </message>
    <message>
        <source>Adds the layer selected in the palette below the selected layer, connected</source>
        <translation>在所选层下方添加层面板中选中的层，并连接起来</translation>
    </message>
    <message>
        <source>&amp;Rename Layer</source>
        <translation>重命名层(&amp;R)</translation>
    </message>
    <message>
        <source>Dis&amp;connect</source>
        <translation>断开连接(&amp;C)</translation>
    </message>
    <message>
        <source>Layer &amp;Table</source>
        <translation>层表格(&amp;T)</translation>
    </message>
    <message>
        <source>Connect To</source>
        <translation>连接到</translation>
    </message>
    <message>
        <source>%1, input %2</source>
        <translation>%1，输入 %2</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Add Layer Below</source>
        <translation>在下方添加层</translation>
    </message>
    <message>
        <source>Insert Layer</source>
        <translation>插入层</translation>
    </message>
    <message>
        <source>Add Layer</source>
        <translation>添加层</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::GraphScene</name>
    <message>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <source>Add %1 below %2</source>
        <translation>在 %2 下方添加 %1</translation>
    </message>
    <message>
        <source>Insert %1</source>
        <translation>插入 %1</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>The connection is gone.</source>
        <translation>连接已断开。</translation>
    </message>
    <message>
        <source>Reconnect</source>
        <translation>重新连接</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::LayerPalette</name>
    <message>
        <source>Search layers</source>
        <translation>搜索层</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::LayerTable</name>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Multiply-adds</source>
        <translation>乘加次数</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::LogPanel</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::MainWindow</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Stop training to switch the language; the choice is saved for the next start.</source>
        <translation>请先停止训练再切换语言；此选择已保存，下次启动时生效。</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>语言将在下次启动时更改。</translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation>流程</translation>
    </message>
    <message>
        <source>Layer graph</source>
        <translation>层图</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>仪表板</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open...</source>
        <translation>打开(&amp;O)...</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>Torchwright projects (*.json)</source>
        <translation>Torchwright 项目 (*.json)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;As...</source>
        <translation>另存为(&amp;A)...</translation>
    </message>
    <message>
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Pipeline</source>
        <translation>流程(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Layer graph</source>
        <translation>层图(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>仪表板(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>Torchwright</source>
        <translation>Torchwright</translation>
    </message>
    <message>
        <source>Cannot open %1:
%2</source>
        <translation>无法打开 %1：
%2</translation>
    </message>
    <message>
        <source>opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Cannot save:
%1</source>
        <translation>无法保存：
%1</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>%1 has unsaved changes. Save them?</source>
        <translation>%1 有未保存的更改。要保存吗？</translation>
    </message>
    <message>
        <source>an untitled project</source>
        <translation>未命名项目</translation>
    </message>
    <message>
        <source>Torchwright did not close normally. Restore the unsaved changes to %1?</source>
        <translation>Torchwright 上次未正常关闭。要恢复 %1 未保存的更改吗？</translation>
    </message>
    <message>
        <source>The recovery file %1 cannot be read:
%2</source>
        <translation>无法读取恢复文件 %1：
%2</translation>
    </message>
    <message>
        <source>There is no trained run to export yet: train the model first (Dashboard).</source>
        <translation>还没有可导出的训练运行：请先训练模型（仪表板）。</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Export finished with errors:
%1</source>
        <translation>导出完成，但有错误：
%1</translation>
    </message>
    <message>
        <source>&amp;New...</source>
        <translation>新建(&amp;N)...</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>P&amp;anels</source>
        <translation>面板(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Getting Started</source>
        <translation>入门(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About Torchwright</source>
        <translation>关于 Torchwright(&amp;A)</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Torchwright %1&lt;/h3&gt;&lt;p&gt;Build, train and export neural networks visually.&lt;/p&gt;&lt;p&gt;Engine %2, LibTorch %3, Qt %4&lt;/p&gt;&lt;p&gt;Read more: %5, %6, %7, %8.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Torchwright %1&lt;/h3&gt;&lt;p&gt;以可视化方式构建、训练和导出神经网络。&lt;/p&gt;&lt;p&gt;引擎 %2，LibTorch %3，Qt %4&lt;/p&gt;&lt;p&gt;更多内容：%5、%6、%7、%8。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>the studio</source>
        <translation>工作室</translation>
    </message>
    <message>
        <source>the command line</source>
        <translation>命令行</translation>
    </message>
    <message>
        <source>runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>exports</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>About Torchwright</source>
        <translation>关于 Torchwright</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Getting started&lt;/h3&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;Pipeline&lt;/b&gt;: select &lt;i&gt;Input data&lt;/i&gt; and choose the dataset; the other stages hold preprocessing, training and export settings.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Layer graph&lt;/b&gt;: drag layers from the palette, connect their ports; shapes show on the edges and problems in the list beside the canvas.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Run &amp;gt; Train&lt;/b&gt; (%1): the dashboard shows loss and accuracy as it trains; the runs panel compares runs, evaluates them and exports them.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;Every edit can be undone (%2). More in %3.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;入门&lt;/h3&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;流程&lt;/b&gt;：选择&lt;i&gt;输入数据&lt;/i&gt;并选择数据集；其他阶段包含预处理、训练和导出设置。&lt;/li&gt;&lt;li&gt;&lt;b&gt;层图&lt;/b&gt;：从层面板拖入层，连接它们的端口；形状显示在连线上，问题显示在画布旁的列表中。&lt;/li&gt;&lt;li&gt;&lt;b&gt;运行 &amp;gt; 训练&lt;/b&gt;（%1）：训练时仪表板显示损失和准确率；运行面板可比较、评估和导出运行。&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;每次编辑都可以撤销（%2）。更多内容见 %3。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>the README</source>
        <translation>README</translation>
    </message>
    <message>
        <source>Getting Started</source>
        <translation>入门</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>A run is training: wait for it, or stop it, before fine-tuning.</source>
        <translation>有一个运行正在训练：请等待其结束或停止它，然后再微调。</translation>
    </message>
    <message>
        <source>Cannot fine-tune from %1:
%2</source>
        <translation>无法从 %1 微调：
%2</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::Minimap</name>
    <message>
        <source>Overview: click or drag to move the view</source>
        <translation>概览：单击或拖动以移动视图</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::NodeInspector</name>
    <message>
        <source>Select a layer to edit it.</source>
        <translation>选择一个层以编辑。</translation>
    </message>
    <message>
        <source>Also the module&apos;s name in checkpoints and exports</source>
        <translation>也是检查点和导出文件中模块的名称</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Multiply-adds</source>
        <translation>乘加次数</translation>
    </message>
    <message>
        <source>%1 layers selected.</source>
        <translation>已选择 %1 个层。</translation>
    </message>
    <message>
        <source>Unknown layer type</source>
        <translation>未知的层类型</translation>
    </message>
    <message>
        <source>Warning: </source>
        <translation>警告：</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid name: start with a letter or &apos;_&apos; and use only letters, digits and &apos;_&apos;.</source>
        <translation>“%1”不是有效的名称：须以字母或“_”开头，且只含字母、数字和“_”。</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is already the name of another layer.</source>
        <translation>“%1”已是另一个层的名称。</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::PipelineScene</name>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>normalise with the training split&apos;s mean and std</source>
        <translation>用训练集的均值和标准差归一化</translation>
    </message>
    <message>
        <source>normalise with fixed mean and std</source>
        <translation>用固定的均值和标准差归一化</translation>
    </message>
    <message>
        <source>no normalisation</source>
        <translation>不归一化</translation>
    </message>
    <message>
        <source>from %1
%2 frozen layer(s)</source>
        <translation>来自 %1
%2 个冻结层</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>random initialisation, seed %1</source>
        <translation>随机初始化，种子 %1</translation>
    </message>
    <message>
        <source>model: %1 layers, %2 parameters%3
%4, lr %5, %6 epochs, batch %7
double-click: edit the model</source>
        <translation>模型：%1 层，%2 个参数%3
%4，学习率 %5，%6 轮，批大小 %7
双击：编辑模型</translation>
    </message>
    <message>
        <source>, %1 problem(s)</source>
        <translation>，%1 个问题</translation>
    </message>
    <message>
        <source>test accuracy, confusion matrix
export: %1</source>
        <translation>测试准确率、混淆矩阵
导出：%1</translation>
    </message>
    <message>
        <source>%1: %2
%3 samples, %4 classes, %5% validation</source>
        <translation>%1：%2
样本形状 %3，%4 个类别，%5% 用于验证</translation>
    </message>
    <message>
        <source>(generated)</source>
        <translation>（生成）</translation>
    </message>
    <message>
        <source>save the project to keep versions and feedback beside it</source>
        <translation>保存项目，以便在其旁边保存版本和反馈</translation>
    </message>
    <message>
        <source>cannot read: %1</source>
        <translation>无法读取：%1</translation>
    </message>
    <message>
        <source>no model version yet:
register a run under Model update</source>
        <translation>还没有模型版本：
请在“模型更新”中登记一个运行</translation>
    </message>
    <message>
        <source>tries %1 (current)
top %2 classes per input</source>
        <translation>试用 %1（当前）
每个输入显示前 %2 个类别</translation>
    </message>
    <message>
        <source>no feedback yet</source>
        <translation>还没有反馈</translation>
    </message>
    <message>
        <source>%1 items, %2 reviewed
%3 wrong, %4 to review</source>
        <translation>%1 项，%2 项已审核
%3 项错误，%4 项待审核</translation>
    </message>
    <message>
        <source>needs a model version</source>
        <translation>需要一个模型版本</translation>
    </message>
    <message>
        <source>%1 reviewed since %2
%3 epochs, lr %4, feedback x%5</source>
        <translation>自 %2 以来已审核 %1 项
%3 个轮次，学习率 %4，反馈 x%5</translation>
    </message>
    <message>
        <source>no versions yet:
register a completed run</source>
        <translation>还没有版本：
请登记一个已完成的运行</translation>
    </message>
    <message>
        <source>%1 current, versions: %2
%3 reviewed since %1, %4 to review</source>
        <translation>当前版本 %1，版本：%2
自 %1 以来已审核 %3 项，%4 项待审核</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::PipelineView</name>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit to View</source>
        <translation>适应视图(&amp;F)</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::ProblemsList</name>
    <message>
        <source>Layer &apos;%1&apos;: %2</source>
        <translation>层“%1”：%2</translation>
    </message>
    <message>
        <source>No problems: every layer&apos;s shape is known.</source>
        <translation>没有问题：每个层的形状都已确定。</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::ProjectDocument</name>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Add %1</source>
        <translation>添加 %1</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>复制副本</translation>
    </message>
    <message>
        <source>Arrange layers</source>
        <translation>排列层</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::ReasonDialog</name>
    <message>
        <source>Why (recorded in the registry)</source>
        <translation>原因（记录在登记册中）</translation>
    </message>
    <message>
        <source>Promote although the gate failed (the override is recorded)</source>
        <translation>尽管门槛未通过仍提升为当前版本（强制覆盖会被记录）</translation>
    </message>
    <message>
        <source>passed:</source>
        <translation>通过：</translation>
    </message>
    <message>
        <source>failed:</source>
        <translation>未通过：</translation>
    </message>
    <message>
        <source>The gate passed.</source>
        <translation>门槛已通过。</translation>
    </message>
    <message>
        <source>The gate failed.</source>
        <translation>门槛未通过。</translation>
    </message>
    <message>
        <source>Give a reason first</source>
        <translation>请先填写原因</translation>
    </message>
    <message>
        <source>The gate failed: tick the override to promote anyway</source>
        <translation>门槛未通过：勾选强制覆盖以仍然提升为当前版本</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::RunsPanel</name>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>val. accuracy ───</source>
        <translation>验证准确率 ───</translation>
    </message>
    <message>
        <source>val. loss – – –</source>
        <translation>验证损失 – – –</translation>
    </message>
    <message>
        <source>%1 loss</source>
        <translation>%1 损失</translation>
    </message>
    <message>
        <source>(absent)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>%1: cannot read (%2)</source>
        <translation>%1：无法读取（%2）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: not valid JSON</source>
        <translation>%1：不是有效的 JSON</translation>
    </message>
    <message>
        <source>Settings: %1 vs %2</source>
        <translation>设置：%1 与 %2</translation>
    </message>
    <message>
        <source>The two runs have the same settings.</source>
        <translation>两个运行的设置相同。</translation>
    </message>
    <message numerus="yes">
        <source>%n setting(s) differ.</source>
        <translation>
            <numerusform>%n 项设置不同。</numerusform>
        </translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>All projects</source>
        <translation>所有项目</translation>
    </message>
    <message>
        <source>List the runs of every project in this runs folder, not only of the open one</source>
        <translation>列出此运行文件夹中所有项目的运行，而不仅是当前打开的项目</translation>
    </message>
    <message>
        <source>Trash</source>
        <translation>回收站</translation>
    </message>
    <message>
        <source>Show the deleted runs of this runs folder; Restore brings one back</source>
        <translation>显示此运行文件夹中已删除的运行；“恢复”可将其找回</translation>
    </message>
    <message>
        <source>Read the runs folder again</source>
        <translation>重新读取运行文件夹</translation>
    </message>
    <message>
        <source>Best val.</source>
        <translation>最佳验证</translation>
    </message>
    <message>
        <source>The run&apos;s name (F2 renames it); tick runs to overlay their validation curves and to compare their settings</source>
        <translation>运行的名称（F2 重命名）；勾选运行以叠加显示其验证曲线并比较其设置</translation>
    </message>
    <message>
        <source>Epochs completed of those planned</source>
        <translation>已完成的轮次 / 计划的轮次</translation>
    </message>
    <message>
        <source>Best validation accuracy (the best validation loss for a run without accuracy)</source>
        <translation>最佳验证准确率（没有准确率的运行显示最佳验证损失）</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Note about this run…</source>
        <translation>关于此运行的备注…</translation>
    </message>
    <message>
        <source>Save note</source>
        <translation>保存备注</translation>
    </message>
    <message>
        <source>Tick runs to overlay their validation curves</source>
        <translation>勾选运行以叠加显示其验证曲线</translation>
    </message>
    <message>
        <source>Delete (to the trash)</source>
        <translation>删除（移到回收站）</translation>
    </message>
    <message>
        <source>Edit note</source>
        <translation>编辑备注</translation>
    </message>
    <message>
        <source>rename it</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Folder: %1</source>
        <translation>文件夹：%1</translation>
    </message>
    <message>
        <source>Started: %1</source>
        <translation>开始时间：%1</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <source>Best val. accuracy: %1, loss: %2</source>
        <translation>最佳验证准确率：%1，损失：%2</translation>
    </message>
    <message>
        <source>Project: %1</source>
        <translation>项目：%1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>备注：%1</translation>
    </message>
    <message>
        <source>Best validation accuracy; loss %1</source>
        <translation>最佳验证准确率；损失 %1</translation>
    </message>
    <message>
        <source>Best validation loss (the run has no accuracy)</source>
        <translation>最佳验证损失（该运行没有准确率）</translation>
    </message>
    <message>
        <source>Runs folder: %1</source>
        <translation>运行文件夹：%1</translation>
    </message>
    <message>
        <source>Deleted runs: %1. Restore puts one back.</source>
        <translation>已删除的运行：%1。“恢复”可将其放回。</translation>
    </message>
    <message>
        <source>The trash is empty.</source>
        <translation>回收站为空。</translation>
    </message>
    <message>
        <source>No runs yet: Start on the Dashboard trains the project.</source>
        <translation>还没有运行：点击仪表板上的“开始”即可训练项目。</translation>
    </message>
    <message>
        <source>Runs of this project: %1 (%2 of other projects hidden).</source>
        <translation>此项目的运行：%1（已隐藏其他项目的 %2 个）。</translation>
    </message>
    <message>
        <source>Runs of all projects: %1.</source>
        <translation>所有项目的运行：%1。</translation>
    </message>
    <message>
        <source>Runs of this project: %1.</source>
        <translation>此项目的运行：%1。</translation>
    </message>
    <message>
        <source>Back to runs</source>
        <translation>返回运行列表</translation>
    </message>
    <message>
        <source>Select a run (click its row) to resume it</source>
        <translation>选择一个运行（单击其所在行）以继续训练</translation>
    </message>
    <message>
        <source>The run is training now</source>
        <translation>该运行正在训练</translation>
    </message>
    <message>
        <source>The run cannot be resumed: %1</source>
        <translation>无法继续该运行：%1</translation>
    </message>
    <message>
        <source>The run completed all its %1 epochs; nothing is left to train</source>
        <translation>该运行已完成全部 %1 个轮次；没有可继续训练的内容</translation>
    </message>
    <message>
        <source>The run stopped early: its validation figure stopped improving, so more epochs would not help</source>
        <translation>该运行已提前停止：其验证指标不再改善，更多轮次也无济于事</translation>
    </message>
    <message>
        <source>The run folder has no project.json to train from</source>
        <translation>运行文件夹中没有可用于训练的 project.json</translation>
    </message>
    <message>
        <source>The run&apos;s project.json was changed since the run began (it no longer matches run.json), so its checkpoints may not fit it</source>
        <translation>该运行的 project.json 在运行开始后被修改过（与 run.json 不再一致），其检查点可能不匹配</translation>
    </message>
    <message>
        <source>The run has no checkpoint (last.pt) to continue from</source>
        <translation>该运行没有可从中继续的检查点（last.pt）</translation>
    </message>
    <message>
        <source>A run that is %1 cannot be resumed</source>
        <translation>%1的运行无法继续</translation>
    </message>
    <message>
        <source>Select a run (click its row) first</source>
        <translation>请先选择一个运行（单击其所在行）</translation>
    </message>
    <message>
        <source>run.json cannot be read: %1</source>
        <translation>无法读取 run.json：%1</translation>
    </message>
    <message>
        <source>The run has no checkpoint yet (best.pt or last.pt): it ended before its first epoch</source>
        <translation>该运行还没有检查点（best.pt 或 last.pt）：它在第一个轮次之前就结束了</translation>
    </message>
    <message>
        <source>Select a run (click its row) to %1</source>
        <translation>选择一个运行（单击其所在行）以%1</translation>
    </message>
    <message>
        <source>The run is training now; %1 when it has ended</source>
        <translation>该运行正在训练；请在其结束后再%1</translation>
    </message>
    <message>
        <source>List the settings that differ between the two ticked runs</source>
        <translation>列出两个已勾选运行之间不同的设置</translation>
    </message>
    <message numerus="yes">
        <source>Tick two runs to compare their settings (%n ticked)</source>
        <translation>
            <numerusform>勾选两个运行以比较其设置（已勾选 %n 个）</numerusform>
        </translation>
    </message>
    <message>
        <source>Continue “%1” from its last checkpoint</source>
        <translation>从最后的检查点继续“%1”</translation>
    </message>
    <message>
        <source>Evaluate “%1” on the test split (its best checkpoint)</source>
        <translation>在测试集上评估“%1”（使用其最佳检查点）</translation>
    </message>
    <message>
        <source>Export “%1”: TorchScript, ONNX, a PyTorch program, a bundle</source>
        <translation>导出“%1”：TorchScript、ONNX、PyTorch 程序、部署包</translation>
    </message>
    <message>
        <source>Rename “%1” (F2); its folder keeps its name</source>
        <translation>重命名“%1”（F2）；其文件夹名称保持不变</translation>
    </message>
    <message>
        <source>Restore the run first</source>
        <translation>请先恢复该运行</translation>
    </message>
    <message>
        <source>Move “%1” to the trash (Del); the Trash view restores it</source>
        <translation>将“%1”移到回收站（Del）；可在回收站视图中恢复</translation>
    </message>
    <message>
        <source>The run is in the trash already</source>
        <translation>该运行已在回收站中</translation>
    </message>
    <message>
        <source>delete it</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>change its note</source>
        <translation>修改备注</translation>
    </message>
    <message>
        <source>Write a note about “%1”</source>
        <translation>为“%1”写备注</translation>
    </message>
    <message>
        <source>Store the note with the run (in its run.json)</source>
        <translation>将备注与运行一起保存（存入其 run.json）</translation>
    </message>
    <message>
        <source>The note has not been changed</source>
        <translation>备注未修改</translation>
    </message>
    <message>
        <source>Select a deleted run (click its row) to restore it</source>
        <translation>选择一个已删除的运行（单击其所在行）以恢复</translation>
    </message>
    <message>
        <source>A run named %1 is in the runs folder already; rename or move that folder first</source>
        <translation>运行文件夹中已有名为 %1 的运行；请先重命名或移走该文件夹</translation>
    </message>
    <message>
        <source>Move “%1” back to the runs folder</source>
        <translation>将“%1”移回运行文件夹</translation>
    </message>
    <message>
        <source>&lt;i&gt;No run selected.&lt;/i&gt;</source>
        <translation>&lt;i&gt;未选择运行。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Started %1</source>
        <translation>开始于 %1</translation>
    </message>
    <message>
        <source>Deleted from %1</source>
        <translation>已从 %1 删除</translation>
    </message>
    <message>
        <source>Note saved.</source>
        <translation>备注已保存。</translation>
    </message>
    <message>
        <source>“%1” moved to the trash; Trash → Restore brings it back.</source>
        <translation>“%1”已移到回收站；回收站 → 恢复 可将其找回。</translation>
    </message>
    <message>
        <source>“%1” restored.</source>
        <translation>“%1”已恢复。</translation>
    </message>
    <message>
        <source>Untick (remove from the overlay)</source>
        <translation>取消勾选（从叠加显示中移除）</translation>
    </message>
    <message>
        <source>Tick (overlay its curves, compare)</source>
        <translation>勾选（叠加显示其曲线，用于比较）</translation>
    </message>
    <message>
        <source>R² %1</source>
        <translation>R² %1</translation>
    </message>
    <message>
        <source>Best validation R² (a regression); MAE %1, loss %2</source>
        <translation>最佳验证 R²（回归）；MAE %1，损失 %2</translation>
    </message>
    <message>
        <source>Import run…</source>
        <translation>导入运行…</translation>
    </message>
    <message>
        <source>Bring in a run of the exported PyTorch program (train.py --run-dir, for example from a cluster) as a run of this project, with its curves and checkpoints</source>
        <translation>将导出的 PyTorch 程序的一次运行（train.py --run-dir，例如来自集群）连同其曲线和检查点导入为本项目的运行</translation>
    </message>
    <message>
        <source>The run folder of the exported program (train.py --run-dir)</source>
        <translation>导出程序的运行文件夹（train.py --run-dir）</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>An imported run cannot be resumed: the program&apos;s checkpoints hold no optimizer state. Train again, with the run as the pretraining source</source>
        <translation>导入的运行无法继续：该程序的检查点不包含优化器状态。请以该运行作为预训练来源重新训练</translation>
    </message>
    <message>
        <source>Imported from %1</source>
        <translation>导入自 %1</translation>
    </message>
    <message>
        <source>An import is running; wait for it to end.</source>
        <translation>正在进行导入；请等待其结束。</translation>
    </message>
    <message>
        <source>Save the project first: an imported run goes into the runs folder beside its file.</source>
        <translation>请先保存项目：导入的运行会放入项目文件旁的 runs 文件夹中。</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>正在导入 %1…</translation>
    </message>
    <message>
        <source>Imported %1 as “%2”: %3 after %4 of %5 epoch(s).</source>
        <translation>已将 %1 导入为“%2”：%3，已完成 %4/%5 轮。</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::StageInspector</name>
    <message>
        <source>Training data: %1. The validation split is taken from the training data.</source>
        <translation>训练数据：%1。验证集从训练数据中划分。</translation>
    </message>
    <message>
        <source>Pixels are scaled to 0..1, then normalised per channel; &quot;dataset&quot; uses the mean and standard deviation of the training split.</source>
        <translation>像素先缩放到 0..1，再逐通道归一化；“dataset”使用训练集的均值和标准差。</translation>
    </message>
    <message>
        <source>Yes: initialise layers from another run&apos;s checkpoint (Pretrain). No: random initialisation (Train from scratch).</source>
        <translation>是：用另一个运行的检查点初始化各层（预训练）。否：随机初始化（从头训练）。</translation>
    </message>
    <message>
        <source>Weights are initialised randomly from this seed; the same seed on the CPU gives the same loss curve.</source>
        <translation>权重由此种子随机初始化；在 CPU 上相同的种子得到相同的损失曲线。</translation>
    </message>
    <message>
        <source>After training the dashboard shows test accuracy, the confusion matrix and per-class precision and recall. Export writes the formats listed here (%1), each checked against the trained model; the bundle adds a manifest and runs with torchwright-cli predict.</source>
        <translation>训练后，仪表板显示测试准确率、混淆矩阵以及各类别的精确率和召回率。导出会写出此处列出的格式（%1），每种都与训练好的模型核对；部署包另附清单，可用 torchwright-cli predict 运行。</translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation>流程</translation>
    </message>
    <message>
        <source>Select a stage to see its settings. Double-click Optimize to edit the model.</source>
        <translation>选择一个阶段查看其设置。双击“优化”可编辑模型。</translation>
    </message>
    <message>
        <source>Open the model (layer graph)</source>
        <translation>打开模型（层图）</translation>
    </message>
    <message>
        <source>Export a run…</source>
        <translation>导出运行…</translation>
    </message>
    <message>
        <source>%1: expected a number</source>
        <translation>%1：应为数字</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>e.g. 1, 28, 28</source>
        <translation>例如 1, 28, 28</translation>
    </message>
    <message>
        <source>e.g. 0.5, 0.5, 0.5</source>
        <translation>例如 0.5, 0.5, 0.5</translation>
    </message>
    <message>
        <source>%1: expected numbers separated by commas</source>
        <translation>%1：应为以逗号分隔的数字</translation>
    </message>
    <message>
        <source>%1 reads its files from a folder: choose the Folder to use this kind.</source>
        <translation>%1 从文件夹读取文件：请选择“文件夹”以使用此类数据。</translation>
    </message>
    <message>
        <source>Use %1 data from %2</source>
        <translation>使用来自 %2 的 %1 数据</translation>
    </message>
    <message>
        <source>The source is a run folder, a Torchwright checkpoint, a TorchScript file, a PyTorch checkpoint (such as the one the exported PyTorch program writes) or a model version of this project (@current, @v2: the loop back from Model update). Layers are matched by name and every shape is checked against the layer graph; frozen layers keep the pretrained weights.</source>
        <translation>来源可以是运行文件夹、Torchwright 检查点、TorchScript 文件、PyTorch 检查点（例如导出的 PyTorch 程序所写的检查点），或本项目的模型版本（@current、@v2：从“模型更新”回到此处的循环）。各层按名称匹配，每个形状都会与层图进行核对；冻结的层保留预训练权重。</translation>
    </message>
    <message>
        <source>Try the current model version: drop image files or a folder here, open them or CSV rows, or pick test samples. Mark each prediction right, or wrong with the correct class: both go to the feedback store. torchwright-cli predict --log records predictions made in deployment.</source>
        <translation>试用当前模型版本：把图像文件或文件夹拖放到这里，打开它们或 CSV 行，或挑选测试样本。将每个预测标记为正确，或标记为错误并给出正确类别：两者都会进入反馈存储。torchwright-cli predict --log 会记录部署中做出的预测。</translation>
    </message>
    <message>
        <source>The predictions logged and the corrections people gave, kept beside the project (feedback/). Review them here, or undo a review; torchwright-cli feedback add, list and import do the same.</source>
        <translation>记录下来的预测和用户给出的更正，保存在项目旁边（feedback/）。可在此审核它们或撤销审核；torchwright-cli feedback add、list 和 import 的作用相同。</translation>
    </message>
    <message>
        <source>Fine-tunes the current version on the original training data plus the reviewed feedback, with a small learning rate; a share of the reviewed items is held out to measure versions on. The result is a new run whose parent is the version.</source>
        <translation>以较小的学习率，在原始训练数据加上已审核反馈上微调当前版本；一部分已审核条目会被留出，用于测量各版本。结果是一个新的运行，其父版本即为该版本。</translation>
    </message>
    <message>
        <source>Model versions of this project (versions/): register a run, compare two versions on the same test split and feedback set, promote one past the gate, or roll back. The Pretrain stage&apos;s source @current starts the next run from the current version.</source>
        <translation>本项目的模型版本（versions/）：登记运行，在相同的测试集和反馈集上比较两个版本，让某个版本通过门槛提升为当前版本，或回滚。预训练阶段的来源 @current 会让下一次运行从当前版本开始。</translation>
    </message>
    <message>
        <source>Current version</source>
        <translation>当前版本</translation>
    </message>
    <message>
        <source>Start from the current model version of this project (@current)</source>
        <translation>从本项目的当前模型版本开始（@current）</translation>
    </message>
    <message>
        <source>Start from the current version</source>
        <translation>从当前版本开始</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::StageItem</name>
    <message>
        <source>: not available yet in this version</source>
        <translation>：此版本尚不可用</translation>
    </message>
    <message>
        <source>not available yet</source>
        <translation>尚不可用</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::TemplateGallery</name>
    <message>
        <source>%1, needs no files</source>
        <translation>%1，不需要文件</translation>
    </message>
    <message>
        <source>%1 (not found on this machine)</source>
        <translation>%1（在本机上未找到）</translation>
    </message>
    <message>
        <source>Empty project</source>
        <translation>空项目</translation>
    </message>
    <message>
        <source>An input and one layer on generated data: build your own network.</source>
        <translation>一个输入和一个层，使用生成的数据：构建自己的网络。</translation>
    </message>
    <message>
        <source>MLP</source>
        <translation>MLP</translation>
    </message>
    <message>
        <source>Fully connected layers that classify Fashion-MNIST: the simplest start.</source>
        <translation>对 Fashion-MNIST 进行分类的全连接层：最简单的起点。</translation>
    </message>
    <message>
        <source>CNN</source>
        <translation>CNN</translation>
    </message>
    <message>
        <source>The sample convolutional network: two convolution blocks and a classifier.</source>
        <translation>示例卷积网络：两个卷积块和一个分类器。</translation>
    </message>
    <message>
        <source>ResNet-style CNN</source>
        <translation>ResNet 风格的 CNN</translation>
    </message>
    <message>
        <source>Residual blocks: convolutions whose input is added back by a skip connection.</source>
        <translation>残差块：卷积的输入通过跳跃连接加回到其输出。</translation>
    </message>
    <message>
        <source>GRU sequence classifier</source>
        <translation>GRU 序列分类器</translation>
    </message>
    <message>
        <source>A recurrent layer reads sequences whose class only the order of their symbols decides.</source>
        <translation>由循环层读取序列，序列的类别仅由其符号的顺序决定。</translation>
    </message>
    <message>
        <source>Transformer encoder block</source>
        <translation>Transformer 编码器块</translation>
    </message>
    <message>
        <source>Multi-head self-attention and a feed-forward layer, each with a residual Add and LayerNorm.</source>
        <translation>多头自注意力和前馈层，各自带有残差 Add 和 LayerNorm。</translation>
    </message>
    <message>
        <source>Convolutional autoencoder</source>
        <translation>卷积自编码器</translation>
    </message>
    <message>
        <source>Learns to rebuild its input (MSE, no labels); a classifier&apos;s Pretrain stage can then load its encoder layers enc_conv1 and enc_conv2 by name.</source>
        <translation>学习重建其输入（MSE，不使用标签）；之后分类器的“预训练”阶段可按名称加载其编码器层 enc_conv1 和 enc_conv2。</translation>
    </message>
    <message>
        <source>There is no template &quot;%1&quot;.</source>
        <translation>没有模板“%1”。</translation>
    </message>
    <message>
        <source>The template &quot;%1&quot; does not load:
%2</source>
        <translation>模板“%1”无法加载：
%2</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>新建项目</translation>
    </message>
    <message>
        <source>Start from an empty project or from a template. The new project is untitled: Save asks where to keep it.</source>
        <translation>从空项目或模板开始。新项目尚未命名：保存时会询问存放位置。</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>1 layer</source>
        <translation>1 层</translation>
    </message>
    <message>
        <source>%1 layers</source>
        <translation>%1 层</translation>
    </message>
    <message>
        <source>1 layer · generated data, needs no files</source>
        <translation>1 层 · 生成的数据，不需要文件</translation>
    </message>
    <message>
        <source>does not load</source>
        <translation>无法加载</translation>
    </message>
</context>
<context>
    <name>torchwright::ui::VersionsPanel</name>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>父版本</translation>
    </message>
    <message>
        <source>Test accuracy</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <source>Feedback accuracy</source>
        <translation>反馈准确率</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>On the frozen test split (samples)</source>
        <translation>在冻结的测试集上（样本）</translation>
    </message>
    <message>
        <source>On the feedback set when the version was registered (items)</source>
        <translation>在登记该版本时的反馈集上（条目）</translation>
    </message>
    <message>
        <source>Register run…</source>
        <translation>登记运行…</translation>
    </message>
    <message>
        <source>Make a completed run of this project a new version</source>
        <translation>将本项目的一个已完成运行登记为新版本</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>比较…</translation>
    </message>
    <message>
        <source>Promote…</source>
        <translation>提升为当前版本…</translation>
    </message>
    <message>
        <source>Make the selected version current, after the gate</source>
        <translation>在通过门槛后，将所选版本设为当前版本</translation>
    </message>
    <message>
        <source>Roll back…</source>
        <translation>回滚…</translation>
    </message>
    <message>
        <source>Make the version that was current before the latest promotion current again</source>
        <translation>将最近一次提升之前的当前版本重新设为当前版本</translation>
    </message>
    <message>
        <source>Save the project first: its model versions are kept beside it (versions/).</source>
        <translation>请先保存项目：其模型版本保存在项目旁边（versions/）。</translation>
    </message>
    <message>
        <source>The model registry cannot be read: %1</source>
        <translation>无法读取模型登记表：%1</translation>
    </message>
    <message>
        <source>%1 (current)</source>
        <translation>%1（当前）</translation>
    </message>
    <message>
        <source>(from scratch)</source>
        <translation>（从头开始）</translation>
    </message>
    <message>
        <source>No versions yet. Register a completed run: the first version becomes current, and Application tries it.</source>
        <translation>还没有版本。请登记一个已完成的运行：第一个版本会成为当前版本，并由“应用”试用。</translation>
    </message>
    <message>
        <source>%1 is current; %2 version(s) in all, newest first.</source>
        <translation>%1 为当前版本；共 %2 个版本，最新的在前。</translation>
    </message>
    <message>
        <source>Measure two versions side by side on the same data</source>
        <translation>在相同数据上并排测量两个版本</translation>
    </message>
    <message>
        <source>Comparing needs two versions</source>
        <translation>比较需要两个版本</translation>
    </message>
    <message>
        <source>%1 (%2, %3 epoch(s))</source>
        <translation>%1（%2，%3 个轮次）</translation>
    </message>
    <message>
        <source>— already %1</source>
        <translation>— 已是 %1</translation>
    </message>
    <message>
        <source>This project has no completed run with a checkpoint yet: train one on the Dashboard.</source>
        <translation>本项目还没有带检查点的已完成运行：请先在“仪表板”上训练一个。</translation>
    </message>
    <message>
        <source>Register a run</source>
        <translation>登记运行</translation>
    </message>
    <message>
        <source>The run to make a new version:</source>
        <translation>要登记为新版本的运行：</translation>
    </message>
    <message>
        <source>Registering %1: measuring it on the test split and the feedback set…</source>
        <translation>正在登记 %1：在测试集和反馈集上进行测量…</translation>
    </message>
    <message>
        <source>Registered %1; it is the current version.</source>
        <translation>已登记 %1；它是当前版本。</translation>
    </message>
    <message>
        <source>Registered %1. Compare it with the current version, then promote it.</source>
        <translation>已登记 %1。请将其与当前版本比较，然后提升为当前版本。</translation>
    </message>
    <message>
        <source>Compare versions</source>
        <translation>比较版本</translation>
    </message>
    <message>
        <source>Baseline:</source>
        <translation>基线：</translation>
    </message>
    <message>
        <source>Candidate:</source>
        <translation>候选：</translation>
    </message>
    <message>
        <source>Measuring %1 and %2 on the same test split and feedback set…</source>
        <translation>正在相同的测试集和反馈集上测量 %1 和 %2…</translation>
    </message>
    <message>
        <source>Compared %1 with %2.</source>
        <translation>已比较 %1 与 %2。</translation>
    </message>
    <message>
        <source>Checking the gate of %1 against the current version…</source>
        <translation>正在对照当前版本检查 %1 的门槛…</translation>
    </message>
    <message>
        <source>Promote %1</source>
        <translation>将 %1 提升为当前版本</translation>
    </message>
    <message>
        <source>Make %1 the current version: Application and predictions use its bundle, and fine-tuning starts from it.</source>
        <translation>将 %1 设为当前版本：“应用”和预测将使用其包，微调也将从它开始。</translation>
    </message>
    <message>
        <source>%1 is current (promoted past the failed gate).</source>
        <translation>%1 为当前版本（强制越过未通过的门槛提升）。</translation>
    </message>
    <message>
        <source>%1 is current.</source>
        <translation>%1 为当前版本。</translation>
    </message>
    <message>
        <source>Roll back</source>
        <translation>回滚</translation>
    </message>
    <message>
        <source>Make the version that was current before the latest promotion current again.</source>
        <translation>将最近一次提升之前的当前版本重新设为当前版本。</translation>
    </message>
    <message>
        <source>Rolled back: %1 is current again.</source>
        <translation>已回滚：%1 重新成为当前版本。</translation>
    </message>
</context>
</TS>
