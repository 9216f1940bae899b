<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW">
<context>
    <name>CacheBrowser</name>
    <message>
        <location filename="../../app/cache_browser.py" line="116"/>
        <source>Filter cached models…</source>
        <translation>篩選快取中的模型…</translation>
    </message>
    <message>
        <location filename="../../app/cache_browser.py" line="117"/>
        <source>Refresh</source>
        <translation>重新整理</translation>
    </message>
    <message>
        <location filename="../../app/cache_browser.py" line="118"/>
        <source>Inspect</source>
        <translation>檢視</translation>
    </message>
    <message>
        <location filename="../../app/cache_browser.py" line="90"/>
        <source>Not scanned yet.</source>
        <extracomment>the user picked a cached model: its snapshot folder a scan finished (successfully or not)</extracomment>
        <translation>尚未掃描。</translation>
    </message>
    <message>
        <location filename="../../app/cache_browser.py" line="140"/>
        <source>Scanning {0}…</source>
        <translation>正在掃描 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/cache_browser.py" line="207"/>
        <source>{0} — {1} on disk</source>
        <translation>{0} — 磁碟上共 {1}</translation>
    </message>
    <message>
        <location filename="../../app/cache_browser.py" line="195"/>
        <source>No model in the cache yet. Download one from the Hub tab.</source>
        <translation>快取中還沒有模型。請從「Hub」分頁下載。</translation>
    </message>
    <message>
        <location filename="../../app/cache_browser.py" line="196"/>
        <source>{0} cached models.</source>
        <translation>快取中有 {0} 個模型。</translation>
    </message>
    <message>
        <location filename="../../app/cache_browser.py" line="198"/>
        <source>{0} folders could not be read (see tooltip).</source>
        <translation>有 {0} 個資料夾無法讀取（請看提示）。</translation>
    </message>
    <message>
        <location filename="../../app/cache_browser.py" line="211"/>
        <source>The cache could not be read: {0}</source>
        <translation>無法讀取快取：{0}</translation>
    </message>
</context>
<context>
    <name>CachedModelsModel</name>
    <message>
        <location filename="../../app/hub_models.py" line="333"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="333"/>
        <source>Type</source>
        <translation>類型</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="333"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="333"/>
        <source>Files</source>
        <translation>檔案</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="333"/>
        <source>Revisions</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="334"/>
        <source>Modified</source>
        <translation>修改時間</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="334"/>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="338"/>
        <source>complete</source>
        <translation>完整</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="340"/>
        <source>config only</source>
        <translation>僅設定檔</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="341"/>
        <source>no config.json</source>
        <translation>沒有 config.json</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="360"/>
        <source>{0} bytes</source>
        <translation>{0} 位元組</translation>
    </message>
</context>
<context>
    <name>DemoModels</name>
    <message>
        <location filename="../../app/sources.py" line="132"/>
        <source>Tiny models shipped with the app. Their weights are built on your computer (random, seeded), so they export without any network.</source>
        <translation>隨程式附帶的迷你模型。權重在您的電腦上產生（固定種子的隨機值），不需網路即可匯出。</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <location filename="../../app/error_views.py" line="100"/>
        <source>Details…</source>
        <translation>詳細資訊…</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../app/error_views.py" line="37"/>
        <location filename="../../app/error_views.py" line="68"/>
        <source>Show details</source>
        <translation>顯示詳細資訊</translation>
    </message>
    <message>
        <location filename="../../app/error_views.py" line="44"/>
        <source>Copy details</source>
        <translation>複製詳細資訊</translation>
    </message>
    <message>
        <location filename="../../app/error_views.py" line="68"/>
        <source>Hide details</source>
        <translation>隱藏詳細資訊</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../app/errors.py" line="29"/>
        <location filename="../../app/errors.py" line="79"/>
        <location filename="../../app/errors.py" line="238"/>
        <location filename="../../app/errors.py" line="244"/>
        <source>Model not supported</source>
        <extracomment>code -&gt; (title, sentence, next step). The sentence speaks to a person using the app, not to a CLI user.</extracomment>
        <translation>不支援此模型</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="30"/>
        <source>This model is a &apos;{model_type}&apos; model, which ONNX Export Studio cannot export yet.</source>
        <translation>這是「{model_type}」類型的模型，ONNX Export Studio 目前還無法匯出。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="31"/>
        <source>Pick a model of a supported type: the Hub list marks exportable models with a badge.</source>
        <translation>請選擇支援的模型類型：Hub 清單會以標記標示可匯出的模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="34"/>
        <source>Task not available</source>
        <translation>無法使用此任務</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="35"/>
        <source>The task &apos;{task}&apos; cannot be exported for &apos;{model_type}&apos; models.</source>
        <translation>「{model_type}」模型無法以「{task}」任務匯出。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="36"/>
        <source>Choose one of the tasks offered in the Options panel: {supported}.</source>
        <translation>請在選項面板中選擇可用的任務：{supported}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="39"/>
        <source>Unknown task</source>
        <translation>未知的任務</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="40"/>
        <source>&apos;{task}&apos; is not a task name we know.</source>
        <translation>「{task}」不是已知的任務名稱。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="41"/>
        <source>Choose a task from the list in the Options panel.</source>
        <translation>請從選項面板的清單中選擇任務。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="44"/>
        <source>Task unclear</source>
        <translation>無法判斷任務</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="45"/>
        <source>We could not tell which task &apos;{model}&apos; is for ({reason}).</source>
        <translation>無法判斷「{model}」適用哪個任務（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="46"/>
        <source>Choose the task yourself in the Options panel.</source>
        <translation>請在選項面板中自行選擇任務。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="49"/>
        <source>Not a model folder</source>
        <translation>不是模型資料夾</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="50"/>
        <source>The folder &apos;{path}&apos; has no config.json, so it does not look like a Hugging Face model.</source>
        <translation>資料夾「{path}」中沒有 config.json，看起來不是 Hugging Face 模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="51"/>
        <source>Open the folder that holds config.json next to the model weights.</source>
        <translation>請開啟 config.json 與模型權重所在的資料夾。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="54"/>
        <source>Damaged configuration</source>
        <translation>設定檔已損毀</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="55"/>
        <source>The model&apos;s config.json in &apos;{path}&apos; cannot be read ({reason}).</source>
        <translation>無法讀取「{path}」中的 config.json（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="56"/>
        <source>Download the model again, or fix config.json.</source>
        <translation>請重新下載模型，或修正 config.json。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="59"/>
        <source>Not a model</source>
        <translation>不是模型</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="60"/>
        <source>&apos;{path}&apos; is neither a model folder nor a Hub model id.</source>
        <translation>「{path}」既不是模型資料夾，也不是 Hub 模型 ID。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="61"/>
        <source>Open a folder containing config.json, or enter a Hub id such as &apos;org/name&apos;.</source>
        <translation>請開啟含有 config.json 的資料夾，或輸入 Hub ID，例如「org/name」。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="64"/>
        <source>Unknown data type</source>
        <translation>未知的資料型別</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="65"/>
        <source>&apos;{value}&apos; is not a valid {kind}.</source>
        <translation>「{value}」不是有效的 {kind}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="66"/>
        <source>Choose one of: {choices}.</source>
        <translation>請從以下選擇：{choices}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="69"/>
        <source>Invalid option</source>
        <translation>無效的選項</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="70"/>
        <source>One of the options cannot be used: {reason}.</source>
        <translation>有一個選項無法使用：{reason}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="71"/>
        <source>Correct the highlighted option in the Options panel.</source>
        <translation>請修正選項面板中標示的選項。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="86"/>
        <source>Framework not available</source>
        <translation>無法使用此框架</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="87"/>
        <source>The framework &apos;{framework}&apos; is not available ({reason}).</source>
        <translation>無法使用框架「{framework}」（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="88"/>
        <source>Reinstall ONNX Export Studio; PyTorch is part of it.</source>
        <translation>請重新安裝 ONNX Export Studio；PyTorch 已包含在內。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="91"/>
        <source>Hub unreachable</source>
        <translation>無法連線到 Hub</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="93"/>
        <source>Check your network connection, or switch to offline mode to use downloaded models only.</source>
        <translation>請檢查網路連線，或切換到離線模式，只使用已下載的模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="96"/>
        <source>Model not found</source>
        <translation>找不到模型</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="92"/>
        <source>The Hugging Face Hub could not be reached for &apos;{model}&apos; ({reason}).</source>
        <translation>無法連線到 Hugging Face Hub 以取得「{model}」（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="97"/>
        <source>&apos;{model}&apos; was not found on the Hub.</source>
        <translation>在 Hub 上找不到「{model}」。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="98"/>
        <source>Check the spelling of the model id; private models need you to log in.</source>
        <translation>請檢查模型 ID 的拼字；私人模型需要登入。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="101"/>
        <source>Access required</source>
        <translation>需要存取權限</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="102"/>
        <source>&apos;{model}&apos; is gated or private, and the Hub refused access.</source>
        <translation>「{model}」是受限或私人模型，Hub 拒絕存取。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="103"/>
        <source>Accept the model&apos;s terms on its Hub page, then log in (set HF_TOKEN) and try again.</source>
        <translation>請先在模型的 Hub 頁面接受使用條款，再登入（設定 HF_TOKEN）後重試。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="106"/>
        <source>File not on the Hub</source>
        <translation>Hub 上沒有此檔案</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="107"/>
        <source>&apos;{model}&apos; has no file &apos;{file}&apos; on the Hub.</source>
        <translation>Hub 上的「{model}」沒有檔案「{file}」。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="108"/>
        <source>Check the revision, or pick another model.</source>
        <translation>請檢查版本，或選擇其他模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="131"/>
        <source>Not downloaded</source>
        <translation>尚未下載</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="132"/>
        <source>&apos;{model}&apos; is not in the local cache, and offline mode is on.</source>
        <translation>「{model}」不在本機快取中，而且目前是離線模式。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="133"/>
        <source>Turn offline mode off to download it, or open a local folder instead.</source>
        <translation>請關閉離線模式以下載，或改為開啟本機資料夾。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="136"/>
        <source>Weights missing</source>
        <translation>缺少權重</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="137"/>
        <source>&apos;{model}&apos; has a configuration but no weights (looked for {looked_for}).</source>
        <translation>「{model}」有設定檔但沒有權重（已尋找 {looked_for}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="138"/>
        <source>Download the complete model, including its .safetensors or .bin files.</source>
        <translation>請下載完整的模型，包括 .safetensors 或 .bin 檔案。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="152"/>
        <source>Padding token needed</source>
        <translation>需要填充符號</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="153"/>
        <source>This {model_type} text classifier needs a padding token id, and neither its configuration nor its tokenizer has one.</source>
        <translation>此 {model_type} 文字分類模型需要填充符號 ID，但其設定檔與分詞器都沒有提供。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="155"/>
        <source>Set “Pad token id” in the export options (often the end-of-sequence id).</source>
        <translation>請在匯出選項中設定「填充符號 ID」（通常是序列結束符號的 ID）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="158"/>
        <source>Model could not be loaded</source>
        <translation>無法載入模型</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="159"/>
        <source>The model could not be loaded ({reason}).</source>
        <translation>無法載入模型（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="160"/>
        <source>Check that the model folder is complete; re-download it if in doubt.</source>
        <translation>請確認模型資料夾完整；若不確定，請重新下載。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="163"/>
        <source>Custom code required</source>
        <translation>需要自訂程式碼</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="164"/>
        <source>&apos;{model}&apos; needs code from its own repository to run, which we do not execute by default.</source>
        <translation>「{model}」需要執行其儲存庫中的程式碼，預設不會執行。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="165"/>
        <source>Only if you trust the repository, use the command line with --trust-remote-code.</source>
        <translation>只有在您信任該儲存庫時，才在命令列加上 --trust-remote-code。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="168"/>
        <location filename="../../app/errors.py" line="262"/>
        <source>Export failed</source>
        <translation>匯出失敗</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="169"/>
        <source>Converting &apos;{submodel}&apos; to ONNX failed.</source>
        <translation>將「{submodel}」轉換為 ONNX 失敗。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="170"/>
        <source>Try another opset, or switch the exporter (the torch.export option) and export again.</source>
        <translation>請改用其他 opset，或切換匯出器（torch.export 選項）後重新匯出。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="173"/>
        <source>torch.export cannot handle this model</source>
        <translation>torch.export 無法處理此模型</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="174"/>
        <source>The torch.export (dynamo) exporter cannot export &apos;{submodel}&apos;.</source>
        <translation>torch.export（dynamo）匯出器無法匯出「{submodel}」。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="175"/>
        <source>Turn off &quot;Use torch.export&quot; in the Options panel and export again.</source>
        <translation>請在選項面板中關閉「使用 torch.export」後重新匯出。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="178"/>
        <source>Merging failed</source>
        <translation>合併失敗</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="179"/>
        <source>Merging the two decoders into one file failed.</source>
        <translation>將兩個解碼器合併為一個檔案時失敗。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="180"/>
        <source>Choose &quot;Encoder + decoder, not merged&quot; in the Options panel and export again.</source>
        <translation>請在選項面板中選擇「編碼器 + 解碼器，不合併」後重新匯出。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="183"/>
        <source>Validation failed</source>
        <translation>驗證失敗</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="184"/>
        <source>{failed} of {total} checks gave results that differ from PyTorch by more than the tolerance.</source>
        <translation>{total} 項檢查中有 {failed} 項的結果與 PyTorch 的差異超過容許值。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="185"/>
        <source>Look at the red rows; try fp32 or a larger tolerance (atol), or report the model.</source>
        <translation>請查看紅色的列；可改用 fp32 或較大的容許值（atol），或回報此模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="188"/>
        <source>Validation could not run</source>
        <translation>無法執行驗證</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="189"/>
        <source>The exported files could not be checked against PyTorch ({reason}).</source>
        <translation>無法將匯出的檔案與 PyTorch 比對（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="190"/>
        <source>Turn validation off to keep the files unchecked, or report the model.</source>
        <translation>可關閉驗證以保留未檢查的檔案，或回報此模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="193"/>
        <source>Validation shapes not accepted</source>
        <translation>不接受這些驗證形狀</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="194"/>
        <source>PyTorch itself cannot run &apos;{submodel}&apos; at the validation shapes {shapes}.</source>
        <translation>PyTorch 本身無法以驗證形狀 {shapes} 執行「{submodel}」。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="195"/>
        <source>Choose validation shapes the model accepts, such as a shorter sequence length.</source>
        <translation>請選擇模型可接受的驗證形狀，例如較短的序列長度。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="198"/>
        <source>Output folder not empty</source>
        <translation>輸出資料夾不是空的</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="199"/>
        <source>The output folder &apos;{path}&apos; already contains files.</source>
        <translation>輸出資料夾「{path}」中已有檔案。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="200"/>
        <source>Choose another output folder, or tick &quot;Overwrite&quot; in the Options panel.</source>
        <translation>請選擇其他輸出資料夾，或在選項面板中勾選「覆寫」。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="203"/>
        <location filename="../../app/errors.py" line="208"/>
        <source>Not enough disk space</source>
        <translation>磁碟空間不足</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="204"/>
        <source>The export needs about {needed} in &apos;{path}&apos;, but only {free} are free.</source>
        <translation>匯出需要在「{path}」使用約 {needed}，但只剩 {free} 可用。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="258"/>
        <source>Choose the transformers library (Model ▸ Library) to export its transformer alone, and pool outside the model.</source>
        <translation>選擇 transformers 函式庫（模型 ▸ 函式庫）只匯出其 transformer，並在模型之外做池化。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="274"/>
        <source>Exporting &apos;{model}&apos; needs about {needed} of memory; this computer has {available} available.</source>
        <translation>匯出「{model}」約需 {needed} 記憶體；這台電腦目前可用 {available}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="205"/>
        <location filename="../../app/errors.py" line="210"/>
        <source>Free some disk space, or choose an output folder on another disk.</source>
        <translation>請釋放磁碟空間，或選擇其他磁碟上的輸出資料夾。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="74"/>
        <source>Image size not possible</source>
        <translation>無法使用此影像大小</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="75"/>
        <source>A {model_type} model takes images of {takes} pixels; {where} asks for {given}.</source>
        <translation>{model_type} 模型接受 {takes} 像素的影像；{where} 要求的是 {given}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="76"/>
        <source>Leave the image size at the model&apos;s own, or set it to {takes}.</source>
        <translation>請讓影像大小維持模型本身的設定，或設為 {takes}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="80"/>
        <source>{model_type} models cannot be exported: their {part} part could not be derived ({reason}).</source>
        <translation>無法匯出 {model_type} 模型：無法推導出其 {part} 部分（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="82"/>
        <source>Choose a supported model; the list of supported vision-language models and their parts is in docs/supported-models.md.</source>
        <translation>請選擇支援的模型；支援的視覺語言模型及其組成部分列於 docs/supported-models.md。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="111"/>
        <source>Unknown variant</source>
        <translation>未知的變體</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="112"/>
        <source>&apos;{name}&apos; is not a variant we can make. The variants are: {choices}.</source>
        <translation>「{name}」不是可製作的變體。可用的變體有：{choices}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="113"/>
        <source>Choose the variants from the list in the Options panel.</source>
        <translation>請從「選項」面板的清單中選擇變體。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="116"/>
        <source>Variant not possible</source>
        <translation>無法製作此變體</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="117"/>
        <source>The {variant} variant cannot be made for this export: {reason}.</source>
        <translation>此匯出無法製作 {variant} 變體：{reason}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="118"/>
        <source>{advice}</source>
        <translation>{advice}</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="121"/>
        <source>Variant failed</source>
        <translation>變體製作失敗</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="122"/>
        <source>Making the {variant} variant of &apos;{file}&apos; failed ({reason}).</source>
        <translation>製作「{file}」的 {variant} 變體失敗（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="123"/>
        <source>Export again without that variant, or report the model with the run log.</source>
        <translation>請不含該變體再匯出一次，或附上執行記錄回報此模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="126"/>
        <source>Optimization failed</source>
        <translation>最佳化失敗</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="127"/>
        <source>Optimizing &apos;{file}&apos; at level {level} failed ({reason}).</source>
        <translation>以 {level} 等級最佳化「{file}」失敗（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="128"/>
        <source>Export again with a lower optimization level or none, or report the model.</source>
        <translation>請以較低的最佳化等級或不最佳化再匯出一次，或回報此模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="141"/>
        <source>Model cannot be read</source>
        <translation>無法讀取模型</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="142"/>
        <source>The model cannot be read at &apos;{path}&apos; ({reason}).</source>
        <translation>無法讀取位於「{path}」的模型（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="143"/>
        <source>Make the model&apos;s folder and files readable for your user account, or copy the model to a folder you can read.</source>
        <translation>請讓您的使用者帳號可以讀取模型的資料夾與檔案，或將模型複製到您可以讀取的資料夾。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="147"/>
        <source>Damaged weights</source>
        <translation>權重檔已損毀</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="148"/>
        <source>The weights file &apos;{path}&apos; is damaged ({reason}).</source>
        <translation>權重檔「{path}」已損毀（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="149"/>
        <source>Download the model again; nothing was exported.</source>
        <translation>請重新下載模型；未匯出任何檔案。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="209"/>
        <source>The disk that holds &apos;{path}&apos; is full.</source>
        <translation>存放「{path}」的磁碟已滿。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="213"/>
        <source>Cannot write to the app&apos;s cache</source>
        <translation>無法寫入應用程式的快取</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="214"/>
        <source>ONNX Export Studio cannot write to its cache folder &apos;{path}&apos; ({reason}).</source>
        <translation>ONNX Export Studio 無法寫入其快取資料夾「{path}」（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="215"/>
        <source>Make that folder writable, or set EXPORTSTUDIO_CACHE to a folder you can write to.</source>
        <translation>請讓該資料夾可寫入，或將 EXPORTSTUDIO_CACHE 設為您可寫入的資料夾。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="218"/>
        <source>Cannot write there</source>
        <translation>無法寫入該位置</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="219"/>
        <source>ONNX Export Studio is not allowed to write to &apos;{path}&apos;.</source>
        <translation>ONNX Export Studio 沒有寫入「{path}」的權限。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="220"/>
        <source>Choose an output folder you can write to.</source>
        <translation>請選擇可以寫入的輸出資料夾。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="223"/>
        <source>Export cancelled</source>
        <translation>已取消匯出</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="224"/>
        <source>The export was cancelled.</source>
        <translation>匯出已取消。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="225"/>
        <source>Nothing was written to the output folder. Start the export again when you are ready.</source>
        <translation>輸出資料夾中沒有寫入任何檔案。準備好後可再次開始匯出。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="228"/>
        <source>Export process stopped</source>
        <translation>匯出程序已停止</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="229"/>
        <source>The export process stopped unexpectedly ({reason}).</source>
        <translation>匯出程序意外停止（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="230"/>
        <source>The application is still fine. See the log for what happened, then try again.</source>
        <translation>應用程式仍可正常使用。請查看記錄了解發生了什麼，然後再試一次。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="233"/>
        <location filename="../../app/errors.py" line="324"/>
        <source>Something went wrong</source>
        <translation>發生錯誤</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="234"/>
        <source>An unexpected error happened ({reason}).</source>
        <translation>發生未預期的錯誤（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="235"/>
        <source>Please report it together with the details below.</source>
        <translation>請連同下方的詳細資訊一併回報。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="239"/>
        <source>This &apos;{model_type}&apos; model has no hand-written export, and the generic path cannot export it: {reason}.</source>
        <translation>此「{model_type}」模型沒有專屬的匯出設定，通用路徑也無法匯出它：{reason}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="241"/>
        <source>The list of supported models says which types were tried and why each failed.</source>
        <translation>支援模型清單列出了嘗試過的類型及各自失敗的原因。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="245"/>
        <source>No export could be derived for this &apos;{model_type}&apos; model: its configuration has no {attribute} (tried {tried}).</source>
        <translation>無法為此「{model_type}」模型推導出匯出設定：其設定中沒有 {attribute}（已嘗試 {tried}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="247"/>
        <source>Check the model&apos;s config.json.</source>
        <translation>請檢查模型的 config.json。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="250"/>
        <source>Generic export failed</source>
        <translation>通用匯出失敗</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="251"/>
        <source>The export derived for this &apos;{model_type}&apos; model does not match its cache (derived {derived}, the model returns {actual}).</source>
        <translation>為此「{model_type}」模型推導出的匯出與其快取不符（推導為 {derived}，模型傳回 {actual}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="253"/>
        <location filename="../../app/errors.py" line="264"/>
        <source>Nothing was exported. Please report the model type with the log.</source>
        <translation>沒有匯出任何檔案。請附上記錄回報此模型類型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="256"/>
        <source>Sentence embeddings not supported</source>
        <translation>不支援句子嵌入</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="257"/>
        <source>This sentence-transformers model cannot be exported with its pooling: {reason}.</source>
        <translation>此 sentence-transformers 模型無法連同其池化一起匯出：{reason}。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="263"/>
        <source>The export-friendly rewrite of {what} changes the model&apos;s outputs.</source>
        <translation>為匯出而改寫的 {what} 會改變模型的輸出。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="267"/>
        <source>Weights do not match the model</source>
        <translation>權重與模型不符</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="268"/>
        <source>The weights do not fit the model&apos;s configuration ({detail}). Exporting them would fill the missing parts with random numbers.</source>
        <translation>權重與模型的設定不符（{detail}）。若照樣匯出，缺少的部分會被填入隨機數值。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="270"/>
        <source>Check that config.json and the weights come from the same model. Nothing was exported.</source>
        <translation>請確認 config.json 與權重來自同一個模型。沒有匯出任何檔案。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="273"/>
        <source>Not enough memory</source>
        <translation>記憶體不足</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="275"/>
        <source>Close other programs or use a computer with more memory. You may also export anyway: it may then fail or make the computer very slow.</source>
        <translation>請關閉其他程式，或改用記憶體較大的電腦。您也可以仍然匯出，但可能失敗或讓電腦變得非常緩慢。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="279"/>
        <source>No access with your token</source>
        <translation>您的權杖沒有存取權</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="280"/>
        <source>Your Hugging Face token was accepted, but it has no access to &apos;{model}&apos;.</source>
        <translation>Hub 接受了您的 Hugging Face 權杖，但該權杖沒有「{model}」的存取權。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="281"/>
        <source>Open the model&apos;s page on huggingface.co with the account of this token and accept its terms (or request access), or use a token that has access.</source>
        <translation>請以此權杖所屬的帳號在 huggingface.co 開啟模型頁面並接受其條款（或申請存取），或改用有存取權的權杖。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="285"/>
        <source>Token not accepted</source>
        <translation>權杖未被接受</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="286"/>
        <source>The Hub refused your Hugging Face token as invalid while opening &apos;{model}&apos;.</source>
        <translation>開啟「{model}」時，Hub 判定您的 Hugging Face 權杖無效而拒絕。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="287"/>
        <source>Log in again (&apos;hf auth login&apos;) or set a valid HF_TOKEN, then try again.</source>
        <translation>請重新登入（「hf auth login」）或設定有效的 HF_TOKEN，然後再試一次。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="290"/>
        <source>Model disabled</source>
        <translation>模型已停用</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="291"/>
        <source>&apos;{model}&apos; has been disabled on the Hub; its files cannot be downloaded.</source>
        <translation>「{model}」已在 Hub 上停用，無法下載其檔案。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="292"/>
        <source>Pick another model.</source>
        <translation>請選擇其他模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="295"/>
        <source>Hub temporarily unavailable</source>
        <translation>Hub 暫時無法使用</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="296"/>
        <source>The Hugging Face Hub answered, but cannot serve the request right now ({reason}).</source>
        <translation>Hugging Face Hub 有回應，但目前無法處理這個請求（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="297"/>
        <source>Your connection works. Try again in a few minutes.</source>
        <translation>您的網路連線正常，請過幾分鐘再試。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="300"/>
        <source>Download refused</source>
        <translation>已拒絕下載</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="301"/>
        <source>The server&apos;s answer for &apos;{model}&apos; would have written outside the model cache ({reason}), so the download was stopped.</source>
        <translation>伺服器對「{model}」的回應會把檔案寫到模型快取之外（{reason}），因此已停止下載。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="303"/>
        <source>Check the HF_ENDPOINT setting: it should point at the Hugging Face Hub or a mirror you trust.</source>
        <translation>請檢查 HF_ENDPOINT 設定：它應指向 Hugging Face Hub 或您信任的鏡像站。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="306"/>
        <source>Cannot write to the model cache</source>
        <translation>無法寫入模型快取</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="307"/>
        <source>The model cache folder &apos;{path}&apos; cannot be written to ({reason}).</source>
        <translation>無法寫入模型快取資料夾「{path}」（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="308"/>
        <source>Free some disk space there, or set HF_HUB_CACHE to a folder you can write to.</source>
        <translation>請釋出該處的磁碟空間，或將 HF_HUB_CACHE 設為您可寫入的資料夾。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="312"/>
        <source>Inspector unavailable</source>
        <translation>檢視器無法使用</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="313"/>
        <source>The background helper that reads model configurations stopped ({reason}).</source>
        <translation>讀取模型設定的背景輔助程序已停止（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="314"/>
        <source>It restarts on its own; if this keeps happening, restart the application.</source>
        <translation>它會自動重新啟動；若持續發生，請重新啟動應用程式。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="317"/>
        <source>Export could not start</source>
        <translation>無法開始匯出</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="318"/>
        <source>The export process could not be started ({reason}).</source>
        <translation>無法啟動匯出程序（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="319"/>
        <source>Reinstall ONNX Export Studio, or run the export from the command line.</source>
        <translation>請重新安裝 ONNX Export Studio，或從命令列執行匯出。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="325"/>
        <source>The operation failed.</source>
        <translation>操作失敗。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="326"/>
        <source>See the details below.</source>
        <translation>請看下方的詳細資訊。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="411"/>
        <source>%1 results differ more from PyTorch&apos;s fp32 reference than the tolerance this run used (atol %4) allows. Try one of: export in fp32; or raise the tolerance (atol) to %2 (the largest difference was %3); or keep an fp32 export and convert it to %1 later.</source>
        <translation>%1 的結果與 PyTorch fp32 參考值的差異超過這次執行所用的容許值（atol %4）。可以試試：以 fp32 匯出；或將容許值（atol）提高到 %2（最大差異為 %3）；或保留 fp32 匯出檔，之後再轉換為 %1。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="416"/>
        <source>%1 results differ more from PyTorch&apos;s fp32 reference than the tolerance allows. Try one of: export in fp32; or raise the tolerance (atol) to %2 (the largest difference was %3); or keep an fp32 export and convert it to %1 later.</source>
        <translation>%1 的結果與 PyTorch fp32 參考值的差異超過容許值。可以試試：以 fp32 匯出；或將容許值（atol）提高到 %2（最大差異為 %3）；或保留 fp32 匯出檔，之後再轉換為 %1。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="424"/>
        <source>Look at the red rows. This run allowed a difference of %3; a tolerance (atol) of %1 would pass them all (the largest difference was %2). Raise it only if that precision is enough for you, otherwise report the model.</source>
        <translation>請查看紅色的列。這次執行允許的差異為 %3；容許值（atol）設為 %1 即可全部通過（最大差異為 %2）。只有在這個精度對您足夠時才提高容許值，否則請回報此模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="429"/>
        <source>Look at the red rows. A tolerance (atol) of %1 would pass them all (the largest difference was %2); raise it only if that precision is enough for you, otherwise report the model.</source>
        <translation>請查看紅色的列。容許值（atol）設為 %1 即可全部通過（最大差異為 %2）；只有在這個精度對您足夠時才提高容許值，否則請回報此模型。</translation>
    </message>
    <message>
        <location filename="../../app/errors.py" line="435"/>
        <source>Look at the red rows: their shapes differ from PyTorch&apos;s. Please report the model.</source>
        <translation>請查看紅色的列：它們的形狀與 PyTorch 的不同。請回報此模型。</translation>
    </message>
</context>
<context>
    <name>FilesModel</name>
    <message>
        <location filename="../../app/results.py" line="83"/>
        <source>File</source>
        <translation>檔案</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="83"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../app/results.py" line="129"/>
        <source>When</source>
        <translation>時間</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="129"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="129"/>
        <source>Task</source>
        <translation>任務</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="129"/>
        <source>Outcome</source>
        <translation>結果</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="129"/>
        <source>Time</source>
        <translation>耗時</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="130"/>
        <source>Folder</source>
        <translation>資料夾</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../../app/results.py" line="402"/>
        <source>Run again</source>
        <translation>再次執行</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="403"/>
        <source>Use these options</source>
        <translation>使用這些選項</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="404"/>
        <source>Open folder</source>
        <translation>開啟資料夾</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="405"/>
        <source>Copy CLI command</source>
        <translation>複製命令列指令</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="406"/>
        <source>Clear history</source>
        <translation>清除歷史</translation>
    </message>
</context>
<context>
    <name>HubBrowser</name>
    <message>
        <location filename="../../app/hub_browser.py" line="130"/>
        <source>Paste a Hub link or a model id (org/name)…</source>
        <extracomment>the user picked a model: a Hub id (``org/name``) or a local snapshot folder a download finished: the local snapshot folder search results were shown (also after &quot;Load more&quot;) or the search failed the details were filled (repo id) or show an error an error was shown inline (its ExportError code) below this width the details go under the results how long a row must stay current before its details are loaded (arrow keys move through rows) pipeline tag per Hub id and per downloaded snapshot folder (the core infers a task from it) snapshot folder per Hub id this pane downloaded (or found in the cache)</extracomment>
        <translation>貼上 Hub 連結或模型 ID（org/name）…</translation>
    </message>
    <message>
        <location filename="../../app/hub_browser.py" line="131"/>
        <source>Open</source>
        <translation>開啟</translation>
    </message>
    <message>
        <location filename="../../app/hub_browser.py" line="132"/>
        <source>Inspect</source>
        <translation>檢視</translation>
    </message>
    <message>
        <location filename="../../app/hub_browser.py" line="133"/>
        <source>Open this model in the export inspector</source>
        <translation>在匯出檢視器中開啟此模型</translation>
    </message>
    <message>
        <location filename="../../app/hub_access.py" line="44"/>
        <source>Could not reach the Hugging Face Hub: {0}.</source>
        <translation>無法連線到 Hugging Face Hub：{0}。</translation>
    </message>
    <message>
        <location filename="../../app/hub_access.py" line="45"/>
        <source>Check your connection and try again, or turn on Offline to browse the models already in the local cache.</source>
        <translation>請檢查網路連線後重試，或開啟「離線」以瀏覽本機快取中已有的模型。</translation>
    </message>
    <message>
        <location filename="../../app/hub_access.py" line="48"/>
        <source>“{0}” is not in the local cache, and Offline is on.</source>
        <translation>「{0}」不在本機快取中，而且已開啟「離線」。</translation>
    </message>
    <message>
        <location filename="../../app/hub_access.py" line="50"/>
        <source>Turn Offline off to fetch it from the Hub.</source>
        <translation>請關閉「離線」以從 Hub 取得。</translation>
    </message>
    <message>
        <location filename="../../app/hub_access.py" line="52"/>
        <source>“{0}” is not a Hub model link or id.</source>
        <translation>「{0}」不是 Hub 模型連結或 ID。</translation>
    </message>
    <message>
        <location filename="../../app/hub_access.py" line="53"/>
        <source>Paste a link such as https://huggingface.co/org/name, or an id such as org/name.</source>
        <translation>請貼上連結（例如 https://huggingface.co/org/name）或 ID（例如 org/name）。</translation>
    </message>
    <message>
        <location filename="../../app/hub_access.py" line="56"/>
        <source>The download was cancelled.</source>
        <translation>下載已取消。</translation>
    </message>
    <message>
        <location filename="../../app/hub_access.py" line="57"/>
        <source>Partial files were removed; start it again when ready.</source>
        <translation>未完成的檔案已刪除；準備好後可再次開始。</translation>
    </message>
</context>
<context>
    <name>HubDetailsPane</name>
    <message>
        <location filename="../../app/hub_details.py" line="168"/>
        <source>Model card</source>
        <extracomment>the pane was filled (repo id) or shows an error the model shown now, its :class:`exportcore.hub.ModelDetails` (None while empty, loading or failed) the pane was emptied for another model (or for none) an error was shown (its ExportError code) the revision asked for (shown after the id), None for the default branch</extracomment>
        <translation>模型卡</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="169"/>
        <source>Files</source>
        <translation>檔案</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="178"/>
        <source>No model selected</source>
        <translation>尚未選擇模型</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="179"/>
        <source>Pick a model in the list, or paste a Hub link above.</source>
        <translation>請從清單中選擇模型，或在上方貼上 Hub 連結。</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="182"/>
        <source>Loading…</source>
        <translation>載入中…</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="191"/>
        <source>The model card could not be loaded. {0} {1}</source>
        <translation>無法載入模型卡。{0} {1}</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="194"/>
        <source>This model has no model card.</source>
        <translation>此模型沒有模型卡。</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="198"/>
        <source>Download: {0} files, {1} (whole repository: {2} files, {3})</source>
        <translation>下載：{0} 個檔案，{1}（整個儲存庫：{2} 個檔案，{3}）</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="201"/>
        <source>{0} files, {1}</source>
        <translation>{0} 個檔案，{1}</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="205"/>
        <source>Nothing to open</source>
        <translation>沒有可開啟的項目</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="213"/>
        <source>model type: {0}</source>
        <translation>模型類型：{0}</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="213"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="220"/>
        <source>exportable: {0}</source>
        <translation>可匯出：{0}</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="223"/>
        <source>{0} downloads</source>
        <translation>{0} 次下載</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="225"/>
        <source>{0} likes</source>
        <translation>{0} 個喜歡</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="227"/>
        <source>updated {0}</source>
        <translation>更新於 {0}</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="229"/>
        <source>gated</source>
        <translation>受限</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="231"/>
        <source>private</source>
        <translation>私人</translation>
    </message>
    <message>
        <location filename="../../app/hub_details.py" line="233"/>
        <source>from the local cache</source>
        <translation>來自本機快取</translation>
    </message>
</context>
<context>
    <name>HubDownloadPane</name>
    <message>
        <location filename="../../app/hub_download.py" line="114"/>
        <source>Large download</source>
        <extracomment>a download finished: the repo id and its local snapshot folder an error was shown (its ExportError code) ask before a download larger than this many bytes (None: never ask)</extracomment>
        <translation>大型下載</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="115"/>
        <source>Downloading {0} needs {1}.</source>
        <translation>下載 {0} 需要 {1}。</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="117"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="118"/>
        <source>Free space in the model cache: {0}.</source>
        <translation>模型快取的可用空間：{0}。</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="120"/>
        <source>That is not enough: the download would fail when the disk is full.</source>
        <translation>空間不足：磁碟滿時下載就會失敗。</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="122"/>
        <source>Download anyway</source>
        <translation>仍然下載</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="122"/>
        <location filename="../../app/hub_download.py" line="164"/>
        <source>Download</source>
        <translation>下載</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="124"/>
        <location filename="../../app/hub_download.py" line="166"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="143"/>
        <source>Starting the download of {0}…</source>
        <translation>正在開始下載 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="155"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="165"/>
        <source>Download the files an export needs into the Hugging Face cache</source>
        <translation>將匯出所需的檔案下載到 Hugging Face 快取</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="191"/>
        <source>Downloaded to {0}</source>
        <translation>已下載到 {0}</translation>
    </message>
    <message>
        <location filename="../../app/hub_download.py" line="202"/>
        <source>Download cancelled. Partial files were removed.</source>
        <translation>下載已取消，未完成的檔案已刪除。</translation>
    </message>
</context>
<context>
    <name>HubPlaceholder</name>
    <message>
        <location filename="../../app/sources.py" line="234"/>
        <source>Hub id or URL, e.g. google-bert/bert-base-uncased</source>
        <translation>Hub ID 或網址，例如 google-bert/bert-base-uncased</translation>
    </message>
    <message>
        <location filename="../../app/sources.py" line="235"/>
        <source>Inspect</source>
        <translation>檢視</translation>
    </message>
    <message>
        <location filename="../../app/sources.py" line="236"/>
        <source>Hub search is not available in this build; paste a model id or URL.</source>
        <translation>此版本無法搜尋 Hub；請貼上模型 ID 或網址。</translation>
    </message>
</context>
<context>
    <name>HubSearchPane</name>
    <message>
        <location filename="../../app/hub_search.py" line="199"/>
        <source>Offline (local cache only)</source>
        <extracomment>Pipeline tags offered in the task filter (the Hub&apos;s vocabulary, transformers-exportable first). (sort key in exportcore.hub.SORTS, English label; the combo shows the tr() version) results were shown (also after &quot;Load more&quot;) or the search failed models were listed (a page of results): the Hub browser remembers their pipeline tags the current row changed to this model (repo id) a row was double-clicked (its ModelSummary) the Offline switch was turned (a search follows) an error was shown in the status line (its ExportError code) the model id column keeps at least this much before optional columns are shown optional result columns, shown in this order as room allows</extracomment>
        <translation>離線（僅用本機快取）</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="200"/>
        <source>Offline because HF_HUB_OFFLINE is set in the environment.</source>
        <translation>因環境變數設定了 HF_HUB_OFFLINE，目前為離線。</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="202"/>
        <source>Send nothing to the Hub: search and details use the local cache.</source>
        <translation>不傳送任何資料到 Hub：搜尋與詳細資訊都使用本機快取。</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="203"/>
        <source>Search models…</source>
        <translation>搜尋模型…</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="204"/>
        <source>All tasks</source>
        <translation>所有任務</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="205"/>
        <source>Task (the Hub&apos;s pipeline tag)</source>
        <translation>任務（Hub 的 pipeline 標籤）</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="206"/>
        <source>transformers</source>
        <translation>transformers</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="207"/>
        <source>Any library</source>
        <translation>任何函式庫</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="208"/>
        <source>Library</source>
        <translation>函式庫</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="209"/>
        <source>Most downloads</source>
        <translation>最多下載</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="209"/>
        <source>Most likes</source>
        <translation>最多喜歡</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="210"/>
        <source>Recently updated</source>
        <translation>最近更新</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="210"/>
        <source>Trending</source>
        <translation>熱門</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="213"/>
        <source>Order of the results</source>
        <translation>結果的排序方式</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="216"/>
        <source>Load more</source>
        <translation>載入更多</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="281"/>
        <source>Searching the local cache…</source>
        <translation>正在搜尋本機快取…</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="281"/>
        <source>Searching…</source>
        <translation>搜尋中…</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="294"/>
        <source>Loading more…</source>
        <translation>正在載入更多…</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="353"/>
        <source>No cached model matches.</source>
        <translation>快取中沒有相符的模型。</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="354"/>
        <source>No model matches. Try other words or “All tasks”.</source>
        <translation>沒有相符的模型。請換個關鍵字，或選擇「所有任務」。</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="356"/>
        <source>{0} models in the local cache (offline).</source>
        <translation>本機快取中有 {0} 個模型（離線）。</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="358"/>
        <source>Showing the first {0} models.</source>
        <translation>顯示前 {0} 個模型。</translation>
    </message>
    <message>
        <location filename="../../app/hub_search.py" line="359"/>
        <source>{0} models.</source>
        <translation>{0} 個模型。</translation>
    </message>
</context>
<context>
    <name>InspectorView</name>
    <message>
        <location filename="../../app/inspector.py" line="395"/>
        <source>Files:</source>
        <translation>檔案：</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="396"/>
        <source>updating…</source>
        <translation>更新中…</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="410"/>
        <source>Warming up the inspector…</source>
        <translation>檢視器準備中…</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="411"/>
        <source>PyTorch and transformers are loading in a helper process; this takes a few seconds, once. The window stays responsive meanwhile.</source>
        <translation>PyTorch 與 transformers 正在輔助程序中載入；只需一次，約數秒鐘。期間視窗仍可正常操作。</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="414"/>
        <source>%1 will be inspected as soon as it is ready.</source>
        <translation>準備完成後會立即檢視 %1。</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="417"/>
        <source>Resolving %1…</source>
        <translation>正在解析 %1…</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="418"/>
        <source>Reading config.json and choosing the export configuration.</source>
        <translation>正在讀取 config.json 並選擇匯出設定。</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="421"/>
        <source>Nothing to show for %1</source>
        <translation>%1 沒有可顯示的內容</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="422"/>
        <source>See the message above.</source>
        <translation>請看上方的訊息。</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="425"/>
        <source>No model selected</source>
        <translation>尚未選擇模型</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="426"/>
        <source>Pick a model on the left — search the Hub, open a local folder (or drop one on the window), or try a built-in demo model. The inspector shows what will be exported before anything runs.</source>
        <translation>請在左側選擇模型：搜尋 Hub、開啟本機資料夾（或將資料夾拖放到視窗上），或試用內建的示範模型。檢視器會在執行任何動作之前，顯示將匯出的內容。</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="442"/>
        <source>Model type &lt;b&gt;%1&lt;/b&gt; · task &lt;b&gt;%2&lt;/b&gt; · library &lt;b&gt;%3&lt;/b&gt;</source>
        <translation>模型類型 &lt;b&gt;%1&lt;/b&gt; · 任務 &lt;b&gt;%2&lt;/b&gt; · 函式庫 &lt;b&gt;%3&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="450"/>
        <source>Export configuration: %1</source>
        <translation>匯出設定：%1</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="457"/>
        <source>No hand-written export configuration exists for this model type: it was derived from what transformers says about the model, and every export checks it against PyTorch before publishing.</source>
        <translation>此模型類型沒有手寫的匯出設定：它是依 transformers 對模型的描述自動推導而來，每次匯出都會先與 PyTorch 比對驗證，通過後才發布。</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="463"/>
        <source>generic — derived, validated on export</source>
        <translation>通用 — 自動推導，匯出時驗證</translation>
    </message>
</context>
<context>
    <name>JobState</name>
    <message>
        <location filename="../../app/job_state.py" line="45"/>
        <source>queued</source>
        <extracomment>outcome per worker exit status (docs/interfaces.md)</extracomment>
        <translation>排隊中</translation>
    </message>
    <message>
        <location filename="../../app/job_state.py" line="46"/>
        <source>running</source>
        <translation>執行中</translation>
    </message>
    <message>
        <location filename="../../app/job_state.py" line="47"/>
        <source>succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../app/job_state.py" line="48"/>
        <source>validation failed</source>
        <translation>驗證失敗</translation>
    </message>
    <message>
        <location filename="../../app/job_state.py" line="49"/>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../app/job_state.py" line="50"/>
        <source>crashed</source>
        <translation>當機</translation>
    </message>
    <message>
        <location filename="../../app/job_state.py" line="51"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>LocalSources</name>
    <message>
        <location filename="../../app/sources.py" line="188"/>
        <source>Open a model folder (with config.json)</source>
        <translation>開啟模型資料夾（含 config.json）</translation>
    </message>
    <message>
        <location filename="../../app/sources.py" line="194"/>
        <source>Open a model folder…</source>
        <translation>開啟模型資料夾…</translation>
    </message>
    <message>
        <location filename="../../app/sources.py" line="195"/>
        <source>A folder with config.json (and the weights, to export). You can also drop a folder anywhere on the window.</source>
        <translation>含有 config.json（匯出時還需要權重）的資料夾。也可以將資料夾拖放到視窗的任何位置。</translation>
    </message>
    <message>
        <location filename="../../app/sources.py" line="197"/>
        <source>Recent models</source>
        <translation>最近使用的模型</translation>
    </message>
    <message>
        <location filename="../../app/sources.py" line="198"/>
        <source>Hugging Face cache</source>
        <translation>Hugging Face 快取</translation>
    </message>
    <message>
        <location filename="../../app/sources.py" line="200"/>
        <source>The cache browser is not available in this build.</source>
        <translation>此版本無法瀏覽快取。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window.py" line="230"/>
        <source>About %1</source>
        <extracomment>emitted once the window was shown for the first time (start-up benchmark) ask before quitting while exports run or wait (tests of other things turn it off)</extracomment>
        <translation>關於 %1</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="231"/>
        <source>&lt;b&gt;%1&lt;/b&gt; %2&lt;br&gt;Turns Hugging Face transformers models into validated ONNX files.&lt;br&gt;Exports run in a separate process; the window never loads PyTorch.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; %2&lt;br&gt;將 Hugging Face transformers 模型轉換為經過驗證的 ONNX 檔案。&lt;br&gt;匯出在獨立的程序中執行；視窗本身不會載入 PyTorch。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="335"/>
        <source>This export first downloads %1 from the Hub.</source>
        <translation>這次匯出會先從 Hub 下載 %1。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="340"/>
        <source>It may not fit</source>
        <translation>可能容納不下</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="340"/>
        <source>Large download</source>
        <translation>大型下載</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="343"/>
        <source>The figures are estimates; an export that does not fit fails part of the way, and nothing is left in its output folder.</source>
        <translation>這些數字是估計值；容納不下的匯出會在中途失敗，輸出資料夾中不會留下任何檔案。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="345"/>
        <source>Ask before downloads over %1 GB (File menu).</source>
        <translation>下載超過 %1 GB 時會先詢問（可在「檔案」選單中更改）。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="347"/>
        <source>Export anyway</source>
        <translation>仍然匯出</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="347"/>
        <source>Download and export</source>
        <translation>下載並匯出</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="384"/>
        <source>Inspector ready</source>
        <translation>檢視器已就緒</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="386"/>
        <source>Inspector warming up…</source>
        <translation>檢視器準備中…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="388"/>
        <source>Inspector unavailable</source>
        <translation>檢視器無法使用</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="390"/>
        <source>Inspector stopped</source>
        <translation>檢視器已停止</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="404"/>
        <source>Large downloads</source>
        <translation>大型下載</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="405"/>
        <source>Ask before downloading more than (GB, 0 = always ask):</source>
        <translation>下載超過此大小時先詢問（GB，0 = 每次都詢問）：</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="419"/>
        <source>Export engine loaded</source>
        <translation>匯出引擎已載入</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="421"/>
        <source>Export engine loading…</source>
        <translation>正在載入匯出引擎…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="423"/>
        <source>Export engine unavailable (exports load it themselves)</source>
        <translation>匯出引擎無法使用（每次匯出會自行載入）</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="428"/>
        <source>torch, transformers and onnxruntime stay loaded in a helper process, so an export starts at once instead of loading them first (about 400 MB of memory). Turn off in the File menu.</source>
        <translation>torch、transformers 與 onnxruntime 常駐於輔助行程中，匯出可立即開始，不必先載入它們（約占 400 MB 記憶體）。可在「檔案」選單中關閉。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="485"/>
        <source>Export options changed (%1): press Export to run again.</source>
        <translation>匯出選項已變更（%1）：按「匯出」即可再次執行。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="492"/>
        <source>Add export to queue</source>
        <translation>加入匯出佇列</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="492"/>
        <source>Export</source>
        <translation>匯出</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="494"/>
        <source>Choose a model first.</source>
        <translation>請先選擇模型。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="505"/>
        <source>Cannot export: %1. See the inspector.</source>
        <translation>無法匯出：%1。請查看檢視器。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="511"/>
        <source>Waiting for the inspector to resolve the export…</source>
        <translation>正在等待檢視器解析匯出設定…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="513"/>
        <source>Checking what the export needs (size, disk space, memory)…</source>
        <translation>正在檢查匯出所需的資源（大小、磁碟空間、記憶體）…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="517"/>
        <source>Writes to %1</source>
        <translation>將寫入 %1</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="523"/>
        <source>No export running</source>
        <translation>沒有正在執行的匯出</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="525"/>
        <source>Exporting %1 · %2 waiting</source>
        <translation>正在匯出 %1 · %2 個等待中</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="556"/>
        <source>Inspector</source>
        <translation>檢視器</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="557"/>
        <source>Export run</source>
        <translation>匯出執行</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="558"/>
        <source>History</source>
        <translation>歷史</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="559"/>
        <source>Export options</source>
        <translation>匯出選項</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="349"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="560"/>
        <source>&amp;File</source>
        <translation>檔案(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="561"/>
        <source>&amp;Open model folder…</source>
        <translation>開啟模型資料夾(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="562"/>
        <source>&amp;Quit</source>
        <translation>結束(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="563"/>
        <source>Keep the export engine loaded (faster exports)</source>
        <translation>保持匯出引擎載入（匯出更快）</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="564"/>
        <source>Ask before downloads over %1 GB…</source>
        <translation>下載超過 %1 GB 時先詢問…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="566"/>
        <source>&amp;Language</source>
        <translation>語言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="567"/>
        <source>System default</source>
        <translation>系統預設</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="568"/>
        <source>&amp;Help</source>
        <translation>說明(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="569"/>
        <source>&amp;About</source>
        <translation>關於(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="577"/>
        <source>An export of %1 is still running.</source>
        <translation>%1 的匯出仍在執行中。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="578"/>
        <source>Exports are waiting in the queue.</source>
        <translation>佇列中有等待中的匯出。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="580"/>
        <source>%1 more waiting in the queue.</source>
        <translation>佇列中另有 %1 個等待中。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="581"/>
        <source>Quit while exporting?</source>
        <translation>要在匯出時結束嗎？</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="584"/>
        <source>Quitting cancels it; nothing is left in its output folder.</source>
        <translation>結束會取消匯出；輸出資料夾中不會留下任何檔案。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="585"/>
        <source>Quit and cancel the export</source>
        <translation>結束並取消匯出</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="586"/>
        <source>Keep running</source>
        <translation>繼續執行</translation>
    </message>
</context>
<context>
    <name>OptionRules</name>
    <message>
        <location filename="../../app/option_words.py" line="20"/>
        <source>&apos;{task}&apos; has no variant with past key/values for this model.</source>
        <extracomment>code -&gt; the core&apos;s sentence, marked for translation</extracomment>
        <translation>此模型的「{task}」沒有含 past key/values 的版本。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="22"/>
        <source>This model exports no past key/values.</source>
        <translation>此模型不匯出 past key/values。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="23"/>
        <source>One file (monolith) holds no past key/values; choose encoder + decoder files to export them.</source>
        <translation>單一檔案（monolith）不含 past key/values；若要匯出，請選擇編碼器 + 解碼器檔案。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="25"/>
        <source>Only meaningful when past key/values are exported.</source>
        <translation>只有在匯出 past key/values 時才有意義。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="26"/>
        <source>Encoder–decoder models always get a decoder without past inputs and one with them.</source>
        <translation>編碼器–解碼器模型一律會產生不含與含有 past 輸入的兩個解碼器。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="28"/>
        <source>Only encoder–decoder models (such as T5, BART, Whisper) are split into files.</source>
        <translation>只有編碼器–解碼器模型（例如 T5、BART、Whisper）會拆成多個檔案。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="30"/>
        <source>For &apos;{task}&apos; this encoder–decoder model is exported as one file.</source>
        <translation>此編碼器–解碼器模型的「{task}」會匯出為單一檔案。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="32"/>
        <source>Without past key/values, &apos;{task}&apos; is exported as one file.</source>
        <translation>不含 past key/values 時，「{task}」會匯出為單一檔案。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="34"/>
        <source>Merging joins the decoder with and without past; turn on past key/values first.</source>
        <translation>合併會結合含與不含 past 的解碼器；請先開啟 past key/values。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="36"/>
        <source>Merges the decoders with and without past into decoder_model_merged.onnx and stores shared weights once.</source>
        <translation>將含與不含 past 的解碼器合併為 decoder_model_merged.onnx，共用的權重只存一次。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="39"/>
        <source>Stores weights the model shares between layers (such as a tied LM head) once.</source>
        <translation>模型在各層之間共用的權重（例如綁定的 LM head）只存一次。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="41"/>
        <source>This model takes no integer inputs.</source>
        <translation>此模型沒有整數輸入。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="42"/>
        <source>The TorchScript exporter writes opsets {low}–{high}.</source>
        <translation>TorchScript 匯出器可寫出 opset {low}–{high}。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="44"/>
        <source>torch.export writes opsets {low}–{high} (it silently keeps {low} below that).</source>
        <translation>torch.export 可寫出 opset {low}–{high}（低於此範圍會默默使用 {low}）。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="46"/>
        <source>This build exports on the CPU only.</source>
        <translation>此版本只在 CPU 上匯出。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="47"/>
        <source>The torch.export path cannot export {model_type} models ({why}); the TorchScript exporter is used.</source>
        <translation>torch.export 無法匯出 {model_type} 模型（{why}）；將使用 TorchScript 匯出器。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="50"/>
        <source>torch.export exports {model_type} models with eager attention (it fails on their sdpa attention).</source>
        <translation>torch.export 以 eager 注意力匯出 {model_type} 模型（其 sdpa 注意力會失敗）。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="53"/>
        <source>&apos;{name}&apos; changes none of this model&apos;s dummy inputs.</source>
        <translation>「{name}」不會改變此模型的任何假輸入。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="54"/>
        <source>This model runs at {name} = {size} only: the export and every validation use {size}, and inputs must be padded to it.</source>
        <translation>此模型只能以 {name} = {size} 執行：匯出與每次驗證都使用 {size}，輸入必須填補（padding）到這個長度。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="57"/>
        <source>onnxruntime&apos;s CPU provider cannot run bfloat16 models: a bf16 export cannot be validated here.</source>
        <translation>onnxruntime 的 CPU 執行提供者無法執行 bfloat16 模型：bf16 匯出無法在此驗證。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="60"/>
        <source>Validation is turned off.</source>
        <translation>驗證已關閉。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="61"/>
        <source>A file with static axes is validated at the traced shapes only.</source>
        <translation>靜態軸的檔案只以追蹤時的形狀驗證。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="63"/>
        <source>A local folder is read where it is: no Hub cache or revision applies.</source>
        <translation>本機資料夾直接就地讀取：不適用 Hub 快取或版本。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="65"/>
        <source>Demo models are built on this machine: no Hub cache or revision applies.</source>
        <translation>示範模型在本機建立：不適用 Hub 快取或版本。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="67"/>
        <source>Only decoder models that classify text (GPT-2, Llama… for text-classification) need a padding token id.</source>
        <translation>只有進行文字分類的解碼器模型（GPT-2、Llama… 的 text-classification）需要填充符號 ID。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="70"/>
        <source>This model classifies text with a decoder, which needs a padding token id. By default it is taken from the config or the tokenizer saved with the model; set it here if neither has one (often the end-of-sequence id).</source>
        <translation>此模型以解碼器進行文字分類，需要填充符號 ID。預設取自模型的設定檔或隨附的分詞器；若兩者皆無，請在此設定（通常是序列結束符號的 ID）。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="74"/>
        <source>The model&apos;s config sets pad_token_id {pad_token_id}; a value here replaces it.</source>
        <translation>模型的設定檔將 pad_token_id 設為 {pad_token_id}；在此輸入的值會取代它。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="76"/>
        <source>A sentence-transformers model (modules.json): automatic exports its pooling in the graph (token_embeddings, sentence_embedding); transformers exports last_hidden_state.</source>
        <translation>sentence-transformers 模型（modules.json）：「自動」會把它的池化（pooling）放進圖中匯出（token_embeddings、sentence_embedding）；transformers 則匯出 last_hidden_state。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="79"/>
        <source>Only sentence-transformers models (modules.json with a Pooling module) exported for feature extraction have another library.</source>
        <translation>只有以特徵擷取（feature extraction）匯出的 sentence-transformers 模型（modules.json 含 Pooling 模組）才有其他函式庫可選。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="82"/>
        <source>Variants are made from an fp32 export; choose the fp32 dtype to make them.</source>
        <translation>變體是由 fp32 匯出製作的；請選擇 fp32 資料型別以製作變體。</translation>
    </message>
    <message>
        <location filename="../../app/option_words.py" line="84"/>
        <source>Graph optimization applies to an fp32 export; choose the fp32 dtype to use it.</source>
        <translation>圖最佳化適用於 fp32 匯出；請選擇 fp32 資料型別以使用它。</translation>
    </message>
</context>
<context>
    <name>OptionsPanel</name>
    <message>
        <location filename="../../app/options_panel.py" line="340"/>
        <source>The validation shapes cannot be read.</source>
        <extracomment>the controls a rule can disable, by rule name (the panel&apos;s attribute where it differs) a rule&apos;s code that turned past key/values off because one file (monolith) holds none something that does not alter the plan (output folder, validation, overwrite) the session whose options this panel edits (a panel on its own edits a session of its own) the rules shown (exportcore.option_rules.rules over the newest plan and the panel&apos;s values) the code of the rule that turned past key/values off (&quot;&quot; when the panel did not: it is the user&apos;s) the user chose &quot;past key/values as inputs&quot; for this model: the rule&apos;s default no longer moves it</extracomment>
        <translation>無法解讀驗證形狀。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="341"/>
        <source>The tolerance (atol) is not a positive number.</source>
        <translation>容許值（atol）不是正數。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="342"/>
        <source>Choose an output folder.</source>
        <translation>請選擇輸出資料夾。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="461"/>
        <source>Enter a positive number such as 1e-4, or leave empty for the default.</source>
        <translation>請輸入正數（例如 1e-4），或留白以使用預設值。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="469"/>
        <source>Write shape sets as name=value pairs separated by commas, one set after another separated by semicolons.</source>
        <translation>以「名稱=數值」表示形狀，同一組以逗號分隔，不同組以分號分隔。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="474"/>
        <location filename="../../app/options_panel.py" line="653"/>
        <source>Choose the output folder</source>
        <translation>選擇輸出資料夾</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="491"/>
        <location filename="../../app/options_panel.py" line="599"/>
        <source>Automatic: %1</source>
        <translation>自動：%1</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="492"/>
        <source>Automatic (from the model)</source>
        <translation>自動（依模型判斷）</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="600"/>
        <source>Automatic</source>
        <translation>自動</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="626"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="627"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="628"/>
        <source>Exporter</source>
        <translation>匯出器</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="629"/>
        <source>Dummy input shapes (trace)</source>
        <translation>假輸入形狀（追蹤用）</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="630"/>
        <source>Validation</source>
        <translation>驗證</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="631"/>
        <source>Output</source>
        <translation>輸出</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="632"/>
        <source>Task</source>
        <translation>任務</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="633"/>
        <source>Library</source>
        <translation>函式庫</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="634"/>
        <source>Export past key/values (fast generation)</source>
        <translation>匯出 past key/values（加速生成）</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="635"/>
        <source>Past key/values as inputs</source>
        <translation>將 past key/values 作為輸入</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="636"/>
        <source>Files</source>
        <translation>檔案</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="637"/>
        <source>One file (monolith)</source>
        <translation>單一檔案（monolith）</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="637"/>
        <source>Encoder + decoder, merged</source>
        <translation>編碼器 + 解碼器，合併</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="638"/>
        <source>Encoder + decoder, not merged</source>
        <translation>編碼器 + 解碼器，不合併</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="642"/>
        <source>Pad token id</source>
        <translation>填充符號 ID</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="643"/>
        <source>from the tokenizer</source>
        <translation>取自分詞器</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="665"/>
        <source>The integer type of the model&apos;s inputs (token ids, masks).</source>
        <translation>模型輸入（符號 ID、遮罩）的整數型別。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="666"/>
        <source>Whose model is exported: sentence-transformers puts the pooling (and normalization) in the graph; transformers exports the plain model.</source>
        <translation>匯出哪個函式庫的模型：sentence-transformers 會把池化（與正規化）放進圖中；transformers 匯出原本的模型。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="668"/>
        <source>Where the files go: the folder layout the runtime you deploy to loads.</source>
        <translation>檔案放在哪裡：您部署的執行環境所載入的資料夾配置。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="669"/>
        <source>Graph optimization with onnxruntime&apos;s tools, applied to the fp32 files and the variants made from them; validated again.</source>
        <translation>以 onnxruntime 的工具進行圖最佳化，套用於 fp32 檔案及由其製作的變體；並重新驗證。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="644"/>
        <source>Float dtype</source>
        <translation>浮點型別</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="645"/>
        <source>Integer dtype</source>
        <translation>整數型別</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="646"/>
        <source>Opset</source>
        <translation>Opset</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="608"/>
        <source>Default</source>
        <translation>預設</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="647"/>
        <source>Use torch.export (dynamo)</source>
        <translation>使用 torch.export（dynamo）</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="648"/>
        <source>Validate against PyTorch</source>
        <translation>與 PyTorch 比對驗證</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="649"/>
        <source>Shape sets</source>
        <translation>形狀組</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="650"/>
        <source>default: 3 sets, e.g. batch_size=1,sequence_length=7;…</source>
        <translation>預設：3 組，例如 batch_size=1,sequence_length=7;…</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="651"/>
        <source>Tolerance (atol)</source>
        <translation>容許值（atol）</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="622"/>
        <source>per model</source>
        <translation>依模型</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="623"/>
        <source>default: %1</source>
        <translation>預設：%1</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="652"/>
        <source>Folder</source>
        <translation>資料夾</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="654"/>
        <source>Overwrite a non-empty folder</source>
        <translation>覆寫非空的資料夾</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="658"/>
        <source>Adds past_key_values inputs and present outputs so generation reuses earlier steps.</source>
        <translation>加入 past_key_values 輸入與 present 輸出，讓生成時可重複使用先前的步驟。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="659"/>
        <source>Whether the exported model takes the past as inputs.</source>
        <translation>匯出的模型是否以 past 作為輸入。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="660"/>
        <source>How an encoder–decoder model is split into ONNX files.</source>
        <translation>編碼器–解碼器模型如何拆分為 ONNX 檔案。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="661"/>
        <source>The newer torch.export exporter (slower; writes external data).</source>
        <translation>較新的 torch.export 匯出器（較慢；會寫出外部資料檔）。</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="662"/>
        <source>Shape sets to validate at, e.g. batch_size=1,sequence_length=7;batch_size=3,sequence_length=23</source>
        <translation>驗證用的形狀組，例如 batch_size=1,sequence_length=7;batch_size=3,sequence_length=23</translation>
    </message>
    <message>
        <location filename="../../app/options_panel.py" line="664"/>
        <source>Largest absolute difference to PyTorch that still passes.</source>
        <translation>與 PyTorch 之間仍算通過的最大絕對差異。</translation>
    </message>
</context>
<context>
    <name>Preflight</name>
    <message>
        <location filename="../../app/preflight.py" line="61"/>
        <source>chosen in the options</source>
        <translation>在選項中指定</translation>
    </message>
    <message>
        <location filename="../../app/preflight.py" line="63"/>
        <source>from config.json&apos;s architectures</source>
        <translation>依 config.json 的 architectures</translation>
    </message>
    <message>
        <location filename="../../app/preflight.py" line="65"/>
        <source>from the Hub&apos;s pipeline tag</source>
        <translation>依 Hub 的 pipeline 標籤</translation>
    </message>
    <message>
        <location filename="../../app/preflight.py" line="67"/>
        <source>the model type&apos;s default</source>
        <translation>此模型類型的預設</translation>
    </message>
</context>
<context>
    <name>PreflightPanel</name>
    <message>
        <location filename="../../app/preflight_panel.py" line="80"/>
        <source>Before exporting</source>
        <translation>匯出前檢查</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="81"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="81"/>
        <source>Download</source>
        <translation>下載</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="81"/>
        <source>Disk</source>
        <translation>磁碟</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="82"/>
        <source>Memory</source>
        <translation>記憶體</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="82"/>
        <source>Variants</source>
        <translation>變體</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="89"/>
        <source>Checking what the export needs (size, disk space, memory)…</source>
        <translation>正在檢查匯出所需的資源（大小、磁碟空間、記憶體）…</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="92"/>
        <source>The pre-flight check could not run: %1</source>
        <translation>無法執行匯出前檢查：%1</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="102"/>
        <source>Supported · task %1</source>
        <translation>支援 · 任務 %1</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="106"/>
        <source>Not supported: %1</source>
        <translation>不支援：%1</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="111"/>
        <source>%1 to download (%2 files)</source>
        <translation>需下載 %1（%2 個檔案）</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="113"/>
        <source>nothing to download: the model is in the cache</source>
        <translation>不需下載：模型已在快取中</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="119"/>
        <source>model cache %1 free</source>
        <translation>模型快取可用 %1</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="121"/>
        <source>output needs about %1, %2 free</source>
        <translation>輸出約需 %1，可用 %2</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="124"/>
        <source>(one disk for both)</source>
        <translation>（兩者在同一個磁碟）</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="128"/>
        <source>about %1 at the peak (an estimate); %2 available</source>
        <translation>峰值約 %1（估計值）；可用 %2</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="130"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="134"/>
        <source>%1 about %2</source>
        <translation>%1 約 %2</translation>
    </message>
    <message>
        <location filename="../../app/preflight_panel.py" line="136"/>
        <source>(estimates; in the output&apos;s figure)</source>
        <translation>（估計值；已計入輸出所需空間）</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <location filename="../../app/queue_view.py" line="70"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/queue_view.py" line="70"/>
        <source>Task</source>
        <translation>任務</translation>
    </message>
    <message>
        <location filename="../../app/queue_view.py" line="70"/>
        <source>State</source>
        <translation>狀態</translation>
    </message>
    <message>
        <location filename="../../app/queue_view.py" line="70"/>
        <source>Time</source>
        <translation>耗時</translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <location filename="../../app/queue_view.py" line="165"/>
        <source>Queue</source>
        <extracomment>a row was double-clicked: show that job in the run view</extracomment>
        <translation>佇列</translation>
    </message>
    <message>
        <location filename="../../app/queue_view.py" line="166"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/queue_view.py" line="167"/>
        <source>Cancel the selected (or the running) export</source>
        <translation>取消所選（或正在執行）的匯出</translation>
    </message>
</context>
<context>
    <name>RepoFilesModel</name>
    <message>
        <location filename="../../app/hub_models.py" line="283"/>
        <source>File</source>
        <translation>檔案</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="283"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="283"/>
        <source>In download</source>
        <translation>納入下載</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="311"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="311"/>
        <source>skipped</source>
        <translation>略過</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="316"/>
        <source>{0} bytes</source>
        <translation>{0} 位元組</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="318"/>
        <source>Not needed for an ONNX export (another weight format, or not a model file).</source>
        <translation>ONNX 匯出不需要（其他權重格式，或不是模型檔）。</translation>
    </message>
</context>
<context>
    <name>Results</name>
    <message>
        <location filename="../../app/results.py" line="170"/>
        <source>Open folder</source>
        <translation>開啟資料夾</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="171"/>
        <source>No file manager could be opened for this folder. Its path is:</source>
        <translation>無法用檔案管理員開啟這個資料夾。它的路徑是：</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="177"/>
        <source>The folder does not exist (any more).</source>
        <translation>這個資料夾不存在（或已被移除）。</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="178"/>
        <source>Copy path</source>
        <translation>複製路徑</translation>
    </message>
    <message>
        <location filename="../../app/variant_results.py" line="162"/>
        <source>Not published because these variants are outside their accuracy budget: %1</source>
        <translation>未發佈，因為這些變體超出其準確度預算：%1</translation>
    </message>
</context>
<context>
    <name>ResultsPanel</name>
    <message>
        <location filename="../../app/results.py" line="292"/>
        <source>Copied to the clipboard.</source>
        <translation>已複製到剪貼簿。</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="300"/>
        <source>Netron is not installed (pip install netron).</source>
        <translation>尚未安裝 Netron（pip install netron）。</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="306"/>
        <source>Variants against PyTorch fp32</source>
        <translation>變體與 PyTorch fp32 比較</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="308"/>
        <source>%1 passed, %2 failed</source>
        <translation>%1 項通過，%2 項失敗</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="311"/>
        <source>judged after the fp32 files are validated</source>
        <translation>fp32 檔案驗證後才評估</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="322"/>
        <source>The files were kept in %3 (%1 files, %2 in total).</source>
        <translation>檔案保留在 %3（%1 個檔案，共 %2）。</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="325"/>
        <source>Validation failed, so these files were not published. They were kept in %3 (%1 files, %2 in total); validation_report.json shows the differences.</source>
        <translation>驗證失敗，因此這些檔案沒有發布，而是保留在 %3（%1 個檔案，共 %2）；差異請見 validation_report.json。</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="330"/>
        <source>%1 files, %2 in total, in %3</source>
        <translation>%1 個檔案，共 %2，位於 %3</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="333"/>
        <source>No files yet.</source>
        <translation>還沒有檔案。</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="337"/>
        <source>Open folder</source>
        <translation>開啟資料夾</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="338"/>
        <source>Open in Netron</source>
        <translation>用 Netron 開啟</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="339"/>
        <source>Copy CLI command</source>
        <translation>複製命令列指令</translation>
    </message>
    <message>
        <location filename="../../app/results.py" line="340"/>
        <source>The equivalent &apos;exportcore export&apos; command line</source>
        <translation>等效的「exportcore export」命令列</translation>
    </message>
</context>
<context>
    <name>RunView</name>
    <message>
        <location filename="../../app/run_view.py" line="194"/>
        <source>Export running…</source>
        <extracomment>the user chose a suggestion after a failed validation: ExportOptions fields to set in the options panel</extracomment>
        <translation>匯出中…</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="195"/>
        <source>Waiting in the queue…</source>
        <translation>在佇列中等待…</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="248"/>
        <source>Export running — %1…</source>
        <translation>匯出中 — %1…</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="339"/>
        <source>&lt;b&gt;Export succeeded.&lt;/b&gt; All %1 validation checks passed (largest difference %2) in %3 s.</source>
        <translation>&lt;b&gt;匯出成功。&lt;/b&gt;全部 %1 項驗證皆通過（最大差異 %2），耗時 %3 秒。</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="342"/>
        <source>&lt;b&gt;Export succeeded&lt;/b&gt; in %1 s (not validated).</source>
        <translation>&lt;b&gt;匯出成功&lt;/b&gt;，耗時 %1 秒（未驗證）。</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="348"/>
        <source>&lt;b&gt;Validation failed:&lt;/b&gt; %1 of %2 checks differ from PyTorch beyond the tolerance.</source>
        <translation>&lt;b&gt;驗證失敗：&lt;/b&gt;%2 項檢查中有 %1 項與 PyTorch 的差異超過容許值。</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="351"/>
        <location filename="../../app/run_view.py" line="396"/>
        <source>The files were not published; they were kept in %1 (see Results).</source>
        <translation>檔案沒有發布，而是保留在 %1（請見「結果」）。</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="361"/>
        <source>Use fp32</source>
        <translation>改用 fp32</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="365"/>
        <source>Use atol %1</source>
        <translation>改用 atol %1</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="372"/>
        <source>&lt;b&gt;Export cancelled&lt;/b&gt; after %1 s. Nothing was written to the output folder.</source>
        <translation>&lt;b&gt;匯出已取消&lt;/b&gt;（%1 秒後）。輸出資料夾中沒有寫入任何檔案。</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="375"/>
        <source>&lt;b&gt;Export failed&lt;/b&gt; after %1 s.</source>
        <translation>&lt;b&gt;匯出失敗&lt;/b&gt;（%1 秒後）。</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="389"/>
        <source>&lt;b&gt;Validation failed:&lt;/b&gt; the fp32 files passed, but %1 is outside its accuracy budget.</source>
        <translation>&lt;b&gt;驗證失敗：&lt;/b&gt;fp32 檔案已通過，但 %1 超出其準確度預算。</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="399"/>
        <source>Export without %1</source>
        <translation>不含 %1 再匯出</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="416"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="425"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="426"/>
        <source>Stages</source>
        <translation>階段</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="427"/>
        <source>Log</source>
        <translation>記錄</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="428"/>
        <source>Results</source>
        <translation>結果</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="439"/>
        <source>Validation (ONNX Runtime vs PyTorch)</source>
        <translation>驗證（ONNX Runtime 對 PyTorch）</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="441"/>
        <source>%1 passed, %2 failed</source>
        <translation>%1 項通過，%2 項失敗</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="446"/>
        <source>&lt;b&gt;No export yet.&lt;/b&gt; Choose a model, check the inspector, then press Export.</source>
        <translation>&lt;b&gt;尚未匯出。&lt;/b&gt;請選擇模型、查看檢視器，然後按「匯出」。</translation>
    </message>
    <message>
        <location filename="../../app/run_view.py" line="450"/>
        <source>task: %1</source>
        <translation>任務：%1</translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <location filename="../../app/hub_models.py" line="180"/>
        <source>Model</source>
        <extracomment>the registry&apos;s verdict per (model type, pipeline tag), asked when a row is first shown</extracomment>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="180"/>
        <source>Task</source>
        <translation>任務</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="180"/>
        <source>Downloads</source>
        <translation>下載數</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="180"/>
        <source>Likes</source>
        <translation>喜歡數</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="180"/>
        <source>Updated</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="181"/>
        <source>Exportable</source>
        <translation>可匯出</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="162"/>
        <source>✓ yes</source>
        <translation>✓ 是</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="159"/>
        <source>✓ generic — derived, validated on export</source>
        <translation>✓ 通用 — 自動推導，匯出時驗證</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="160"/>
        <source>✓ generic</source>
        <translation>✓ 通用</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="164"/>
        <source>✗ no</source>
        <translation>✗ 否</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="165"/>
        <source>? unknown</source>
        <translation>? 未知</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="238"/>
        <source>model type: {0}</source>
        <translation>模型類型：{0}</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="240"/>
        <source>gated: accept the terms on the Hub first</source>
        <translation>受限：請先在 Hub 上接受使用條款</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="242"/>
        <source>in the local cache: {0}</source>
        <translation>在本機快取中：{0}</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="253"/>
        <source>unknown model type</source>
        <translation>未知的模型類型</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="254"/>
        <source>{0} · {1}</source>
        <translation>{0} · {1}</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="254"/>
        <source>no task tag</source>
        <translation>沒有任務標籤</translation>
    </message>
</context>
<context>
    <name>SourcesPane</name>
    <message>
        <location filename="../../app/sources.py" line="266"/>
        <source>Hub</source>
        <translation>Hub</translation>
    </message>
    <message>
        <location filename="../../app/sources.py" line="267"/>
        <source>Local</source>
        <translation>本機</translation>
    </message>
    <message>
        <location filename="../../app/sources.py" line="268"/>
        <source>Demo</source>
        <translation>示範</translation>
    </message>
</context>
<context>
    <name>StageListModel</name>
    <message>
        <location filename="../../app/run_models.py" line="163"/>
        <source>Stage</source>
        <translation>階段</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="163"/>
        <source>State</source>
        <translation>狀態</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="163"/>
        <source>Elapsed</source>
        <translation>耗時</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="163"/>
        <source>Detail</source>
        <translation>細節</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="189"/>
        <source>Not published: the files were kept in %1</source>
        <translation>未發布：檔案保留在 %1</translation>
    </message>
</context>
<context>
    <name>StageState</name>
    <message>
        <location filename="../../app/run_models.py" line="49"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="49"/>
        <source>running</source>
        <translation>執行中</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="50"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="50"/>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="51"/>
        <source>skipped</source>
        <translation>略過</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="52"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="53"/>
        <source>checks failed</source>
        <translation>檢查未通過</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="54"/>
        <source>kept aside</source>
        <translation>已另行保留</translation>
    </message>
</context>
<context>
    <name>Stages</name>
    <message>
        <location filename="../../app/run_models.py" line="39"/>
        <source>Resolve</source>
        <extracomment>validation ran and some checks failed a run that failed validation: its files were kept beside the destination, not published</extracomment>
        <translation>解析</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="39"/>
        <source>Plan</source>
        <translation>規劃</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="40"/>
        <source>Load weights</source>
        <translation>載入權重</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="40"/>
        <source>Export</source>
        <translation>匯出</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="41"/>
        <source>Post-process</source>
        <translation>後處理</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="41"/>
        <source>Validate</source>
        <translation>驗證</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="42"/>
        <source>Publish</source>
        <translation>發布</translation>
    </message>
</context>
<context>
    <name>SubmodelPage</name>
    <message>
        <location filename="../../app/inspector.py" line="224"/>
        <source>Inputs (%1)</source>
        <translation>輸入（%1）</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="225"/>
        <source>Outputs (%1)</source>
        <translation>輸出（%1）</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="226"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="226"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="228"/>
        <source>Behaviour: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>行為：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="229"/>
        <source>Past key/values: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Past key/values：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="230"/>
        <source>Past in inputs: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Past 作為輸入：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="231"/>
        <source>Opset: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Opset：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="232"/>
        <source>atol: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>atol：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="237"/>
        <source>Fixed size: this model runs at &lt;b&gt;%1 = %2&lt;/b&gt; only. The file takes exactly that size and is validated at it; pad (and truncate) every input to %2, with the attention mask marking the padding.</source>
        <translation>固定大小：此模型只能以 &lt;b&gt;%1 = %2&lt;/b&gt; 執行。檔案只接受這個大小，也以它驗證；請把每個輸入填補（並截斷）到 %2，並以 attention mask 標示填補的部分。</translation>
    </message>
</context>
<context>
    <name>TensorTableModel</name>
    <message>
        <location filename="../../app/inspector.py" line="109"/>
        <source>%1 = %2 (fixed)</source>
        <translation>%1 = %2（固定）</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="123"/>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="123"/>
        <source>Dtype</source>
        <translation>型別</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="123"/>
        <source>Dummy shape</source>
        <translation>假輸入形狀</translation>
    </message>
    <message>
        <location filename="../../app/inspector.py" line="123"/>
        <source>Dynamic axes</source>
        <translation>動態軸</translation>
    </message>
</context>
<context>
    <name>Transfer</name>
    <message>
        <location filename="../../app/transfer.py" line="64"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="66"/>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="69"/>
        <source>%1 min</source>
        <translation>%1 分鐘</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="70"/>
        <source>%1 h %2 min</source>
        <translation>%1 小時 %2 分</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="77"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="82"/>
        <source>%1/s</source>
        <translation>%1/秒</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="85"/>
        <source>%1 left</source>
        <translation>剩餘 %1</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="92"/>
        <source>Downloading %1:</source>
        <translation>正在下載 %1：</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="94"/>
        <source>Downloading the model:</source>
        <translation>正在下載模型：</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="97"/>
        <source>%1 of %2 (%3%)</source>
        <translation>%1 / %2（%3%）</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="101"/>
        <source> at %1/s</source>
        <translation>，速度 %1/秒</translation>
    </message>
    <message>
        <location filename="../../app/transfer.py" line="104"/>
        <source>, about %1 left</source>
        <translation>，約剩 %1</translation>
    </message>
</context>
<context>
    <name>ValidationModel</name>
    <message>
        <location filename="../../app/run_models.py" line="274"/>
        <source>pass</source>
        <translation>通過</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="275"/>
        <source>fail: shape</source>
        <translation>失敗：形狀</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="275"/>
        <source>fail</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="252"/>
        <source>Submodel</source>
        <translation>子模型</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="252"/>
        <source>Shape set</source>
        <translation>形狀組</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="252"/>
        <source>Output</source>
        <translation>輸出</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="252"/>
        <source>Max abs diff</source>
        <translation>最大絕對差</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="253"/>
        <source>atol</source>
        <translation>atol</translation>
    </message>
    <message>
        <location filename="../../app/run_models.py" line="253"/>
        <source>Result</source>
        <translation>結果</translation>
    </message>
</context>
<context>
    <name>VariantChoices</name>
    <message>
        <location filename="../../app/variant_choices.py" line="127"/>
        <source>Variants</source>
        <extracomment>holds the checkboxes: the options panel enables or disables it by the ``variants`` rule</extracomment>
        <translation>變體</translation>
    </message>
    <message>
        <location filename="../../app/variant_choices.py" line="128"/>
        <source>Smaller files beside the fp32 ones, each checked against PyTorch:</source>
        <translation>在 fp32 檔案旁另存較小的檔案，每個都與 PyTorch 比對：</translation>
    </message>
    <message>
        <location filename="../../app/variant_choices.py" line="131"/>
        <source>Runtime</source>
        <translation>執行環境</translation>
    </message>
    <message>
        <location filename="../../app/variant_choices.py" line="132"/>
        <source>Layout</source>
        <translation>配置</translation>
    </message>
    <message>
        <location filename="../../app/variant_choices.py" line="133"/>
        <source>Optimize</source>
        <translation>最佳化</translation>
    </message>
</context>
<context>
    <name>Variants</name>
    <message>
        <location filename="../../app/variant_words.py" line="23"/>
        <source>half-precision weights: half the size, practically the same answers; for GPUs and WebGPU</source>
        <extracomment>variant -&gt; the core&apos;s ``Variant.what``, marked for translation</extracomment>
        <translation>半精度權重：大小減半，結果幾乎相同；適用於 GPU 與 WebGPU</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="25"/>
        <source>8-bit weights: a quarter of the size and the fastest on CPUs, slightly less accurate; transformers.js&apos;s default in the browser (WASM)</source>
        <translation>8 位元權重：大小約四分之一，在 CPU 上最快，準確度略低；transformers.js 在瀏覽器（WASM）中的預設</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="27"/>
        <source>8-bit weights, signed: like q8, for runtimes that ask for int8</source>
        <translation>有號 8 位元權重：與 q8 相同，供要求 int8 的執行環境使用</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="28"/>
        <source>8-bit weights, unsigned: like q8, for runtimes that ask for uint8</source>
        <translation>無號 8 位元權重：與 q8 相同，供要求 uint8 的執行環境使用</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="29"/>
        <source>4-bit weights in the large matrix multiplications, the rest fp32: small downloads for phones and browsers, less accurate</source>
        <translation>大型矩陣乘法使用 4 位元權重，其餘為 fp32：適合手機與瀏覽器的小型下載，準確度較低</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="31"/>
        <source>q4 with the rest in half precision: the smallest files; for WebGPU</source>
        <translation>q4，其餘為半精度：檔案最小；適用於 WebGPU</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="36"/>
        <source>Optimum</source>
        <extracomment>layout -&gt; (its name in the combo, one line on whom it is for)</extracomment>
        <translation>Optimum 配置</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="37"/>
        <source>for onnxruntime, Optimum and most runtimes: the .onnx files at the top of the folder</source>
        <translation>適用於 onnxruntime、Optimum 及多數執行環境：.onnx 檔案位於資料夾最上層</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="39"/>
        <source>transformers.js</source>
        <translation>transformers.js 配置</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="40"/>
        <source>for transformers.js in a browser or Node: files under onnx/</source>
        <translation>適用於瀏覽器或 Node 中的 transformers.js：檔案位於 onnx/ 之下</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="45"/>
        <source>None</source>
        <extracomment>optimize level (None: none) -&gt; (its name in the combo, a few words on what it does); decision 109</extracomment>
        <translation>不最佳化</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="45"/>
        <source>the graph as exported</source>
        <translation>保留匯出時的圖</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="46"/>
        <source>O1 (basic)</source>
        <translation>O1（基本）</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="47"/>
        <source>constants folded, redundant nodes removed; exact</source>
        <translation>摺疊常數、移除多餘節點；結果完全相同</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="48"/>
        <source>O2 (fusions)</source>
        <translation>O2（融合）</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="49"/>
        <source>O1 + fused attention, layer norm and GELU for the model types onnxruntime knows; faster</source>
        <translation>O1 再加上融合注意力、層正規化與 GELU（限 onnxruntime 認得的模型類型）；較快</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="51"/>
        <source>O3 (approximate GELU)</source>
        <translation>O3（近似 GELU）</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="52"/>
        <source>O2 + an approximate GELU: fastest, slightly less exact</source>
        <translation>O2 再加上近似 GELU：最快，精確度略低</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="57"/>
        <source>token cos</source>
        <extracomment>figure -&gt; its short name in tables (``budgets.SHORT``)</extracomment>
        <translation>詞元餘弦</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="58"/>
        <source>emb cos</source>
        <translation>嵌入餘弦</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="59"/>
        <source>logits cos</source>
        <translation>分數餘弦</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="60"/>
        <source>top-1</source>
        <translation>首選一致</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="61"/>
        <source>greedy</source>
        <translation>貪婪解碼一致</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="62"/>
        <source>max abs</source>
        <translation>最大絕對差</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="63"/>
        <source>mean abs</source>
        <translation>平均絕對差</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="64"/>
        <source>logits cos mean</source>
        <translation>分數平均餘弦</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="65"/>
        <source>top-1 all</source>
        <translation>首選一致（全部）</translation>
    </message>
    <message>
        <location filename="../../app/variant_words.py" line="66"/>
        <source>greedy all</source>
        <translation>貪婪解碼一致（全部）</translation>
    </message>
</context>
<context>
    <name>VariantsModel</name>
    <message>
        <location filename="../../app/variant_results.py" line="93"/>
        <source>Variant</source>
        <translation>變體</translation>
    </message>
    <message>
        <location filename="../../app/variant_results.py" line="93"/>
        <source>Result</source>
        <translation>結果</translation>
    </message>
    <message>
        <location filename="../../app/variant_results.py" line="93"/>
        <source>Size (× fp32)</source>
        <translation>大小（× fp32）</translation>
    </message>
    <message>
        <location filename="../../app/variant_results.py" line="93"/>
        <source>Time × fp32</source>
        <translation>時間 × fp32</translation>
    </message>
    <message>
        <location filename="../../app/variant_results.py" line="94"/>
        <source>Accuracy against the budget</source>
        <translation>準確度與預算比較</translation>
    </message>
    <message>
        <location filename="../../app/variant_results.py" line="107"/>
        <source>not judged</source>
        <translation>未評估</translation>
    </message>
    <message>
        <location filename="../../app/variant_results.py" line="108"/>
        <source>pass</source>
        <translation>通過</translation>
    </message>
    <message>
        <location filename="../../app/variant_results.py" line="108"/>
        <source>fail</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../app/variant_results.py" line="135"/>
        <source>Failed: %1</source>
        <translation>失敗：%1</translation>
    </message>
</context>
<context>
    <name>_TableModel</name>
    <message>
        <location filename="../../app/hub_models.py" line="138"/>
        <source>1 year ago</source>
        <extracomment>Role that returns the row&apos;s dataclass.</extracomment>
        <translation>1 年前</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="138"/>
        <source>{0} years ago</source>
        <translation>{0} 年前</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="140"/>
        <source>1 month ago</source>
        <translation>1 個月前</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="140"/>
        <source>{0} months ago</source>
        <translation>{0} 個月前</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="142"/>
        <source>1 day ago</source>
        <translation>1 天前</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="142"/>
        <source>{0} days ago</source>
        <translation>{0} 天前</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="144"/>
        <source>1 hour ago</source>
        <translation>1 小時前</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="144"/>
        <source>{0} hours ago</source>
        <translation>{0} 小時前</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="146"/>
        <source>1 minute ago</source>
        <translation>1 分鐘前</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="146"/>
        <source>{0} minutes ago</source>
        <translation>{0} 分鐘前</translation>
    </message>
    <message>
        <location filename="../../app/hub_models.py" line="147"/>
        <source>just now</source>
        <translation>剛剛</translation>
    </message>
</context>
</TS>
