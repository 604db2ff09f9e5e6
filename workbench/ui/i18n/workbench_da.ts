<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
<context>
    <name>workbench</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fil</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Rediger</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Vis</translation>
    </message>
    <message>
        <source>&amp;Coding</source>
        <translation>&amp;Kodning</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hjælp</translation>
    </message>
    <message>
        <source>&amp;Open project…</source>
        <translation>&amp;Åbn projekt…</translation>
    </message>
    <message>
        <source>Open &amp;demo project</source>
        <translation>Åbn &amp;demoprojekt</translation>
    </message>
    <message>
        <source>Recent projects</source>
        <translation>Seneste projekter</translation>
    </message>
    <message>
        <source>&amp;Import survey…</source>
        <translation>&amp;Importér survey…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Afslut</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ingen)</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>Ryd listen</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Fortryd</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Gentag</translation>
    </message>
    <message>
        <source>Undo {0}</source>
        <translation>Fortryd {0}</translation>
    </message>
    <message>
        <source>Redo {0}</source>
        <translation>Gentag {0}</translation>
    </message>
    <message>
        <source>&amp;Filter…</source>
        <translation>&amp;Filtrér…</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Ryd filtre</translation>
    </message>
    <message>
        <source>&amp;Quick pick code…</source>
        <translation>&amp;Hurtigvalg af kode…</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprog</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>Værktøjslinje</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>Nulstil layout</translation>
    </message>
    <message>
        <source>Mark coded &amp;&amp; next</source>
        <translation>Markér kodet &amp;&amp; næste</translation>
    </message>
    <message>
        <source>Mark coded &amp; next</source>
        <translation>Markér kodet &amp; næste</translation>
    </message>
    <message>
        <source>Next answer</source>
        <translation>Næste svar</translation>
    </message>
    <message>
        <source>Previous answer</source>
        <translation>Forrige svar</translation>
    </message>
    <message>
        <source>Next uncoded</source>
        <translation>Næste ukodede</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>Flag</translation>
    </message>
    <message>
        <source>Memo…</source>
        <translation>Memo…</translation>
    </message>
    <message>
        <source>No code applies</source>
        <translation>Ingen kode passer</translation>
    </message>
    <message>
        <source>Apply code</source>
        <translation>Anvend kode</translation>
    </message>
    <message>
        <source>Switch coder…</source>
        <translation>Skift koder…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastaturgenveje</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;Om</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Åbn</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Fortryd</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Gentag</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Forrige</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Næste</translation>
    </message>
    <message>
        <source>Uncoded</source>
        <translation>Ukodet</translation>
    </message>
    <message>
        <source>Coded &amp; next</source>
        <translation>Kodet &amp; næste</translation>
    </message>
    <message>
        <source>No code</source>
        <translation>Ingen kode</translation>
    </message>
    <message>
        <source>Quick pick</source>
        <translation>Hurtigvalg</translation>
    </message>
    <message>
        <source>Respondent</source>
        <translation>Respondent</translation>
    </message>
    <message>
        <source>Qn.</source>
        <translation>Spm.</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Spørgsmål</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Band</source>
        <translation>Bånd</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Svar</translation>
    </message>
    <message>
        <source>Codes</source>
        <translation>Koder</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>uncoded</source>
        <translation>ukodet</translation>
    </message>
    <message>
        <source>coded</source>
        <translation>kodet</translation>
    </message>
    <message>
        <source>flagged</source>
        <translation>flaget</translation>
    </message>
    <message>
        <source>Negative</source>
        <translation>Negativ</translation>
    </message>
    <message>
        <source>Neutral</source>
        <translation>Neutral</translation>
    </message>
    <message>
        <source>Positive</source>
        <translation>Positiv</translation>
    </message>
    <message>
        <source>Don't know</source>
        <translation>Ved ikke</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Mangler</translation>
    </message>
    <message>
        <source>Search answers (Ctrl+F)</source>
        <translation>Søg i svar (Ctrl+F)</translation>
    </message>
    <message>
        <source>All questions</source>
        <translation>Alle spørgsmål</translation>
    </message>
    <message>
        <source>All bands</source>
        <translation>Alle bånd</translation>
    </message>
    <message>
        <source>All main groups</source>
        <translation>Alle hovedgrupper</translation>
    </message>
    <message>
        <source>All target groups</source>
        <translation>Alle målgrupper</translation>
    </message>
    <message>
        <source>All coders</source>
        <translation>Alle kodere</translation>
    </message>
    <message>
        <source>Coded by {0}</source>
        <translation>Kodet af {0}</translation>
    </message>
    <message>
        <source>All codes</source>
        <translation>Alle koder</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Alle statusser</translation>
    </message>
    <message>
        <source>Uncoded answers</source>
        <translation>Ukodede svar</translation>
    </message>
    <message>
        <source>Coded answers</source>
        <translation>Kodede svar</translation>
    </message>
    <message>
        <source>Flagged answers</source>
        <translation>Flagede svar</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Ryd</translation>
    </message>
    <message>
        <source>Vulnerable citizens</source>
        <translation>Udsatte borgere</translation>
    </message>
    <message>
        <source>Job and education ready</source>
        <translation>Job- og uddannelsesparate</translation>
    </message>
    <message>
        <source>No answer selected</source>
        <translation>Intet svar valgt</translation>
    </message>
    <message>
        <source>Follow-up: {0}</source>
        <translation>Opfølgning: {0}</translation>
    </message>
    <message>
        <source>Score {0}: {1}</source>
        <translation>Score {0}: {1}</translation>
    </message>
    <message>
        <source>No score</source>
        <translation>Ingen score</translation>
    </message>
    <message>
        <source>{0} years</source>
        <translation>{0} år</translation>
    </message>
    <message>
        <source>{0} months unemployed</source>
        <translation>{0} mdr. ledig</translation>
    </message>
    <message>
        <source>Danish</source>
        <translation>dansk</translation>
    </message>
    <message>
        <source>other ethnic background</source>
        <translation>anden etnisk baggrund</translation>
    </message>
    <message>
        <source>woman</source>
        <translation>kvinde</translation>
    </message>
    <message>
        <source>man</source>
        <translation>mand</translation>
    </message>
    <message>
        <source>No codes yet. Press a code's key, or select text first to code a passage.</source>
        <translation>Ingen koder endnu. Tryk på en kodes tast, eller markér tekst først for at kode et udsnit.</translation>
    </message>
    <message>
        <source>Coded: no code applies</source>
        <translation>Kodet: ingen kode passer</translation>
    </message>
    <message>
        <source>Remove {0}</source>
        <translation>Fjern {0}</translation>
    </message>
    <message>
        <source>whole answer</source>
        <translation>hele svaret</translation>
    </message>
    <message>
        <source>Memo: {0}</source>
        <translation>Memo: {0}</translation>
    </message>
    <message>
        <source>Flagged for discussion</source>
        <translation>Flaget til drøftelse</translation>
    </message>
    <message>
        <source>Codebook</source>
        <translation>Kodebog</translation>
    </message>
    <message>
        <source>Search codes</source>
        <translation>Søg i koder</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Kode</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Tast</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Antal</translation>
    </message>
    <message>
        <source>Apply to answer</source>
        <translation>Anvend på svaret</translation>
    </message>
    <message>
        <source>New code…</source>
        <translation>Ny kode…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Omdøb…</translation>
    </message>
    <message>
        <source>Colour…</source>
        <translation>Farve…</translation>
    </message>
    <message>
        <source>Shortcut…</source>
        <translation>Genvej…</translation>
    </message>
    <message>
        <source>Merge into…</source>
        <translation>Flet ind i…</translation>
    </message>
    <message>
        <source>Move under…</source>
        <translation>Flyt under…</translation>
    </message>
    <message>
        <source>Retire</source>
        <translation>Udgå</translation>
    </message>
    <message>
        <source>Memo on code…</source>
        <translation>Memo om koden…</translation>
    </message>
    <message>
        <source>Show retired codes</source>
        <translation>Vis udgåede koder</translation>
    </message>
    <message>
        <source>(retired)</source>
        <translation>(udgået)</translation>
    </message>
    <message>
        <source>Include: {0}</source>
        <translation>Medtag: {0}</translation>
    </message>
    <message>
        <source>Exclude: {0}</source>
        <translation>Udelad: {0}</translation>
    </message>
    <message>
        <source>Examples:</source>
        <translation>Eksempler:</translation>
    </message>
    <message>
        <source>Label of the new code:</source>
        <translation>Navn på den nye kode:</translation>
    </message>
    <message>
        <source>New label:</source>
        <translation>Nyt navn:</translation>
    </message>
    <message>
        <source>One key (1–9 or a letter), empty for none:</source>
        <translation>Én tast (1–9 eller et bogstav), tom for ingen:</translation>
    </message>
    <message>
        <source>Merge “{0}” into:</source>
        <translation>Flet “{0}” ind i:</translation>
    </message>
    <message>
        <source>Move “{0}” under:</source>
        <translation>Flyt “{0}” under:</translation>
    </message>
    <message>
        <source>(top level)</source>
        <translation>(øverste niveau)</translation>
    </message>
    <message>
        <source>Retire “{0}”? It stays on existing codings but is no longer offered.</source>
        <translation>Lad “{0}” udgå? Den bliver på eksisterende kodninger, men tilbydes ikke længere.</translation>
    </message>
    <message>
        <source>Merged {0} into {1}: {2} codings moved, {3} duplicates dropped.</source>
        <translation>Flettede {0} ind i {1}: {2} kodninger flyttet, {3} dubletter fjernet.</translation>
    </message>
    <message>
        <source>Type to find a code — Enter applies</source>
        <translation>Skriv for at finde en kode — Enter anvender</translation>
    </message>
    <message>
        <source>Memo on answer {0}</source>
        <translation>Memo om svar {0}</translation>
    </message>
    <message>
        <source>Memo on code {0}</source>
        <translation>Memo om koden {0}</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Gem</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
    <message>
        <source>Who is coding?</source>
        <translation>Hvem koder?</translation>
    </message>
    <message>
        <source>Your codings are saved under this name.</source>
        <translation>Dine kodninger gemmes under dette navn.</translation>
    </message>
    <message>
        <source>Coder</source>
        <translation>Koder</translation>
    </message>
    <message>
        <source>Coder: {0}</source>
        <translation>Koder: {0}</translation>
    </message>
    <message>
        <source>{0} of {1} answers</source>
        <translation>{0} af {1} svar</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>Gemt {0}</translation>
    </message>
    <message>
        <source>{0} coded ({1} %)</source>
        <translation>{0} kodet ({1} %)</translation>
    </message>
    <message>
        <source>Opening {0}…</source>
        <translation>Åbner {0}…</translation>
    </message>
    <message>
        <source>Loading answers…</source>
        <translation>Indlæser svar…</translation>
    </message>
    <message>
        <source>Creating the demo project…</source>
        <translation>Opretter demoprojektet…</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>Importerer {0}…</translation>
    </message>
    <message>
        <source>Could not open the project</source>
        <translation>Kunne ikke åbne projektet</translation>
    </message>
    <message>
        <source>Could not save</source>
        <translation>Kunne ikke gemme</translation>
    </message>
    <message>
        <source>The change was not saved: {0}</source>
        <translation>Ændringen blev ikke gemt: {0}</translation>
    </message>
    <message>
        <source>Import failed</source>
        <translation>Importen mislykkedes</translation>
    </message>
    <message>
        <source>Imported {0} respondents, {1} answers</source>
        <translation>Importerede {0} respondenter, {1} svar</translation>
    </message>
    <message>
        <source>Open a project (Ctrl+O) or the demo project to start coding.</source>
        <translation>Åbn et projekt (Ctrl+O) eller demoprojektet for at begynde at kode.</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>Åbn projekt</translation>
    </message>
    <message>
        <source>Workbench projects (*.db *.sqlite *.wb);;All files (*)</source>
        <translation>Workbench-projekter (*.db *.sqlite *.wb);;Alle filer (*)</translation>
    </message>
    <message>
        <source>Survey files (*.csv *.xlsx);;All files (*)</source>
        <translation>Surveyfiler (*.csv *.xlsx);;Alle filer (*)</translation>
    </message>
    <message>
        <source>Import survey</source>
        <translation>Importér survey</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulleret</translation>
    </message>
    <message>
        <source>Operation failed</source>
        <translation>Handlingen mislykkedes</translation>
    </message>
    <message>
        <source>About Workbench</source>
        <translation>Om Workbench</translation>
    </message>
    <message>
        <source>A keyboard-first workbench for coding open survey answers in Danish.</source>
        <translation>Et tastaturstyret værktøj til kodning af åbne surveysvar på dansk.</translation>
    </message>
    <message>
        <source>Danish NLP pipeline: {0}</source>
        <translation>Dansk NLP-pipeline: {0}</translation>
    </message>
    <message>
        <source>not loaded</source>
        <translation>ikke indlæst</translation>
    </message>
    <message>
        <source>Keyboard</source>
        <translation>Tastatur</translation>
    </message>
    <message>
        <source>Reserved key</source>
        <translation>Reserveret tast</translation>
    </message>
    <message>
        <source>code's key: toggle the code on the answer, or on the selected text</source>
        <translation>kodens tast: slå koden til/fra på svaret eller på den markerede tekst</translation>
    </message>
    <message>
        <source>mark coded and go to the next answer</source>
        <translation>markér som kodet og gå til næste svar</translation>
    </message>
    <message>
        <source>next / previous answer</source>
        <translation>næste / forrige svar</translation>
    </message>
    <message>
        <source>next uncoded answer</source>
        <translation>næste ukodede svar</translation>
    </message>
    <message>
        <source>flag the answer</source>
        <translation>flag svaret</translation>
    </message>
    <message>
        <source>memo on the answer</source>
        <translation>memo om svaret</translation>
    </message>
    <message>
        <source>no code applies (mark coded without codes)</source>
        <translation>ingen kode passer (markér kodet uden koder)</translation>
    </message>
    <message>
        <source>undo / redo</source>
        <translation>fortryd / gentag</translation>
    </message>
    <message>
        <source>quick pick a code</source>
        <translation>hurtigvalg af kode</translation>
    </message>
    <message>
        <source>filter and search</source>
        <translation>filtrér og søg</translation>
    </message>
    <message>
        <source>apply code {0}</source>
        <translation>anvend kode {0}</translation>
    </message>
    <message>
        <source>remove code {0}</source>
        <translation>fjern kode {0}</translation>
    </message>
    <message>
        <source>flag</source>
        <translation>flag</translation>
    </message>
    <message>
        <source>unflag</source>
        <translation>fjern flag</translation>
    </message>
    <message>
        <source>mark coded</source>
        <translation>markér kodet</translation>
    </message>
    <message>
        <source>no code applies</source>
        <translation>ingen kode passer</translation>
    </message>
    <message>
        <source>memo</source>
        <translation>memo</translation>
    </message>
</context>
</TS>
